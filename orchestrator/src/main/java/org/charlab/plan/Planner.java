package org.charlab.plan;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.charlab.BuildInfo;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.ConfigLoader;
import org.charlab.config.ConfigWriter;
import org.charlab.config.ExperimentSpec;
import org.charlab.config.FileRef;
import org.charlab.config.Names;
import org.charlab.config.Node;
import org.charlab.config.Source;
import org.charlab.config.StageRef;
import org.charlab.config.StageSpec;
import org.charlab.data.DataFile;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.StageCatalog;
import org.charlab.stage.StageKind;

/**
 * Expands an experiment into its whole sweep (Hydra's lesson: expand and validate everything
 * before running anything): arms x grid x zip x seeds, each run's tree bound and validated, each
 * stage given a content key, shared stages found by equal keys.
 *
 * <p>A stage key is the SHA-256 of: the stage type and its kind's version, the fingerprint of the
 * code that computes it ({@link CodeFingerprint}) and the DJL and PyTorch versions, the resolved
 * settings (data files by their SHA-256, not their path), the keys of the stages it depends on, its
 * seed, the device, and the recompute nonce of a stage named in {@code --recompute}. Thread counts
 * are left out on purpose (they change only the last bits, and --jobs should not invalidate a
 * cache); see RuntimeConfig.
 *
 * <p>Every data file a stage kind declares ({@link StageKind#dataFiles}) is read and validated once the
 * sweep is expanded, so a bad line stops validate, plan and run before the first stage starts. Each
 * file is read once per planner and format, however many runs and sweeps name it (again if its content
 * changed: the memo holds its SHA-256).
 */
public final class Planner {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private final StageCatalog catalog;
    private final Binder binder;
    private final Set<List<Object>> validated = new HashSet<>();
    private final Function<StageKind<?>, String> code;
    /** The model each planned stage's output holds, by stage key (kinds answer; null when unknown). */
    private final Map<String, PlannedModel> models = new LinkedHashMap<>();
    /** Memory estimates of the plan being made, by (type, config, inputs); cleared per plan. */
    private final Map<List<Object>, Optional<MemoryEstimate>> memoryMemo = new HashMap<>();

    public Planner(StageCatalog catalog) {
        this(catalog, CodeFingerprint::of);
    }

    /** With the code fingerprint of each kind given by {@code code} (tests substitute class bytes). */
    public Planner(StageCatalog catalog, Function<StageKind<?>, String> code) {
        this.catalog = catalog;
        this.code = code;
        List<String> types = new ArrayList<>();
        catalog.all().forEach(k -> types.add(k.type()));
        this.binder = new Binder(catalog::configType).withKnownTypes(types);
    }

    public Binder binder() {
        return binder;
    }

    /** Loads, expands and validates; throws {@link BadInput} on the first problem. */
    public Plan plan(Path file, List<String> overrides, String sweepId) {
        return plan(file, overrides, sweepId, Map.of());
    }

    /**
     * As {@link #plan(Path, List, String)}, with a recompute nonce (any string) per stage name: each
     * stage of that name gets a key of its own, so it is computed again into a new cache entry, and
     * so are the stages that depend on it.
     */
    public Plan plan(Path file, List<String> overrides, String sweepId, Map<String, String> recompute) {
        memoryMemo.clear();
        Node.MapNode tree = ConfigLoader.load(file, overrides);
        ExperimentSpec base = binder.bind(ExperimentSpec.class, tree, "");
        Node.MapNode runBase = without(tree, "sweep");

        Map<String, Node> arms = base.sweep().arms().isEmpty()
                ? Map.of("main", Node.MapNode.empty(Source.builtIn("default arm")))
                : base.sweep().arms();
        Node.MapNode sweepNode = (Node.MapNode) tree.get("sweep");
        for (String arm : arms.keySet()) {
            if (!Names.isSafeSegment(arm)) {
                Source at = sweepNode != null && sweepNode.get("arms") instanceof Node.MapNode a ? a.keySource(arm) : tree.source();
                throw new BadInput(at + ": sweep.arms: arm name '" + arm + "' must be letters, digits, '_', '-', '.' "
                        + "and not a path (it becomes a directory name)");
            }
        }
        List<Map<String, Node>> points = gridPoints(base.sweep().grid(), base.sweep().zip(), sweepNode);

        List<RunPlan> runs = new ArrayList<>();
        Map<String, StagePlan> stages = new LinkedHashMap<>();
        Map<List<Object>, DataFile> dataFiles = new LinkedHashMap<>();
        Map<String, Boolean> ids = new LinkedHashMap<>();
        for (Map.Entry<String, Node> arm : arms.entrySet()) {
            Map<String, Node> armOverrides = flatOverrides(arm.getValue(), "sweep.arms." + arm.getKey());
            for (Map<String, Node> point : points) {
                for (long seed : base.sweep().seeds()) {
                    Map<String, Node> all = new LinkedHashMap<>(armOverrides);
                    all.putAll(point);
                    Node.MapNode runTree = runBase;
                    for (Map.Entry<String, Node> o : all.entrySet()) {
                        runTree = applyOverride(runTree, o.getKey(), o.getValue());
                    }
                    runTree = ConfigLoader.setPath(runTree, "sweep.seeds",
                            Node.fromPlain(List.of(seed), Source.builtIn("run seed")), Source.builtIn("run seed"));
                    ExperimentSpec spec = binder.bind(ExperimentSpec.class, runTree, "");
                    collectDataFiles(spec, dataFiles);
                    String id = runId(arm.getKey(), point, seed);
                    if (ids.put(id, true) != null) {
                        throw new BadInput(tree.source() + ": sweep: two runs would both be named '" + id
                                + "'; give the grid values distinct spellings");
                    }
                    List<RunPlan.Step> chain = planStages(spec, runTree, seed, stages, recompute);
                    Map<String, Object> axes = new LinkedHashMap<>();
                    axes.put("arm", arm.getKey());
                    point.forEach((k, v) -> axes.put(k, v.toPlain()));
                    axes.put("seed", seed);
                    Map<String, Object> applied = new LinkedHashMap<>();
                    all.forEach((k, v) -> applied.put(k, v.toPlain()));
                    @SuppressWarnings("unchecked")
                    Map<String, Object> resolved = (Map<String, Object>) ConfigWriter.toPlain(spec);
                    runs.add(new RunPlan(id, arm.getKey(), seed, axes, applied, chain, resolved));
                }
            }
        }
        WorldConsistency.check(file.toString(), stages);
        validate(dataFiles);
        String sid = sweepId != null ? sweepId : defaultSweepId(runs);
        if (!Names.isSafeSegment(sid)) {
            throw new BadInput("--sweep-id '" + sid + "' must be letters, digits, '_', '-', '.'");
        }
        return new Plan(base.name(), sid, base.question(), file.toAbsolutePath().normalize().toString(),
                List.copyOf(overrides), BuildInfo.version(), runs, stages, recompute);
    }

    private List<RunPlan.Step> planStages(ExperimentSpec spec, Node.MapNode runTree, long runSeed,
            Map<String, StagePlan> stages, Map<String, String> recompute) {
        Map<String, String> keyByName = new LinkedHashMap<>();
        List<RunPlan.Step> chain = new ArrayList<>();
        String previous = null;
        Node.MapNode stagesNode = (Node.MapNode) runTree.get("stages");
        for (Map.Entry<String, StageSpec> e : spec.stages().entrySet()) {
            String name = e.getKey();
            StageSpec st = e.getValue();
            StageKind<?> kind = catalog.get(st.type());
            Node.MapNode stageNode = (Node.MapNode) stagesNode.get(name);
            Map<String, String> deps = new TreeMap<>();
            String input = st.input() == null ? previous
                    : StageSpec.NO_INPUT.equals(st.input().name()) ? null : st.input().name();
            if (input != null) {
                deps.put("input", earlier(input, keyByName, stageNode, "input", name));
            }
            Map<String, String> files = new TreeMap<>();
            walk(st.config(), "", (path, value) -> {
                if (value instanceof StageRef ref) {
                    deps.put(path, earlier(ref.name(), keyByName, stageNode, path, name));
                } else if (value instanceof FileRef f) {
                    files.put(f.path().toString(), Fingerprints.of(f.path()));
                }
            });
            long seed = st.seed() != null ? st.seed() : runSeed;
            Map<String, Object> keyed = new TreeMap<>();
            String code = this.code.apply(kind);
            String nonce = recompute.get(name);
            keyed.put("code", code);
            keyed.put("engine", "djl " + BuildInfo.djlVersion() + ", pytorch " + BuildInfo.pytorchVersion());
            keyed.put("type", st.type());
            keyed.put("kind_version", kind.version());
            if (nonce != null) {
                keyed.put("recompute", nonce);
            }
            keyed.put("seed", seed);
            keyed.put("device", spec.runtime().device());
            keyed.put("deps", deps);
            keyed.put("config", ConfigWriter.toPlain(st.config(), f -> "sha256:" + files.get(f.path().toString())));
            String key = st.type() + "-" + hash(keyed).substring(0, 20);
            if (!stages.containsKey(key)) {
                Map<String, PlannedModel> inputs = new TreeMap<>();
                deps.forEach((role, dep) -> {
                    if (models.get(dep) != null) {
                        inputs.put(role, models.get(dep));
                    }
                });
                @SuppressWarnings({"unchecked", "rawtypes"})
                StageKind<Record> k = (StageKind) kind;
                models.put(key, k.plannedModel(st.config(), inputs));
                // one estimate per (kind, config, inputs): the runs of a sweep differ in the seed, which the
                // estimate does not read, and eval's estimate builds the world to bound its prompts
                MemoryEstimate memory = memoryMemo.computeIfAbsent(List.of(st.type(), st.config(), inputs),
                        x -> Optional.ofNullable(k.memory(st.config(), inputs))).orElse(null);
                @SuppressWarnings("unchecked")
                Map<String, Object> config = (Map<String, Object>) ConfigWriter.toPlain(st.config());
                @SuppressWarnings("unchecked")
                Map<String, Object> runtime = (Map<String, Object>) ConfigWriter.toPlain(spec.runtime());
                stages.put(key, new StagePlan(key, name, st.type(), kind.version(), seed, deps, config, runtime, files,
                        code, nonce, memory));
            }
            keyByName.put(name, key);
            chain.add(new RunPlan.Step(name, key));
            previous = name;
        }
        return chain;
    }

    /** Adds the data files each stage of one run declares, keyed by (file, content, format). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    private void collectDataFiles(ExperimentSpec spec, Map<List<Object>, DataFile> into) {
        for (StageSpec st : spec.stages().values()) {
            StageKind kind = catalog.get(st.type());
            for (DataFile f : (List<DataFile>) kind.dataFiles(st.config())) {
                into.putIfAbsent(List.of(f.path().toAbsolutePath().normalize(), Fingerprints.of(f.path()), f.format()), f);
            }
        }
    }

    /** Reads and validates each file not yet read by this planner; the first bad line is a BadInput. */
    private void validate(Map<List<Object>, DataFile> files) {
        for (Map.Entry<List<Object>, DataFile> f : files.entrySet()) {
            if (!validated.contains(f.getKey())) {
                f.getValue().validate();
                validated.add(f.getKey());
            }
        }
    }

    private static String earlier(String ref, Map<String, String> keyByName, Node.MapNode stageNode, String field,
            String stage) {
        String key = keyByName.get(ref);
        if (key == null) {
            Node at = stageNode.get(field.contains(".") ? field.substring(0, field.indexOf('.')) : field);
            Source src = at != null ? at.source() : stageNode.source();
            throw new BadInput(src + ": stages." + stage + "." + field + ": no earlier stage named '" + ref
                    + "' (a stage can only use stages listed before it: " + keyByName.keySet() + ")");
        }
        return key;
    }

    /** Visits every StageRef and FileRef inside a config record, with its dotted path. */
    static void walk(Object value, String path, BiConsumer<String, Object> visit) {
        if (value instanceof StageRef || value instanceof FileRef) {
            visit.accept(path, value);
        } else if (value instanceof Record r) {
            ConfigWriter.forEachSetting(r, (key, v) ->
                    walk(v, key == null ? path : path.isEmpty() ? key : path + "." + key, visit));
        } else if (value instanceof List<?> l) {
            for (int i = 0; i < l.size(); i++) {
                walk(l.get(i), path + "[" + i + "]", visit);
            }
        } else if (value instanceof Map<?, ?> m) {
            m.forEach((k, v) -> walk(v, path + "." + k, visit));
        }
    }

    private static List<Map<String, Node>> gridPoints(Map<String, Node> grid, Map<String, Node> zip, Node.MapNode sweep) {
        List<Map<String, Node>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Map.Entry<String, Node> axis : grid.entrySet()) {
            List<Node> values = listOf(axis.getValue(), "sweep.grid." + axis.getKey());
            List<Map<String, Node>> next = new ArrayList<>();
            for (Map<String, Node> p : points) {
                for (Node v : values) {
                    Map<String, Node> q = new LinkedHashMap<>(p);
                    q.put(axis.getKey(), v);
                    next.add(q);
                }
            }
            points = next;
        }
        if (!zip.isEmpty()) {
            int n = -1;
            for (Map.Entry<String, Node> axis : zip.entrySet()) {
                List<Node> values = listOf(axis.getValue(), "sweep.zip." + axis.getKey());
                if (n >= 0 && values.size() != n) {
                    throw new BadInput(axis.getValue().source() + ": sweep.zip." + axis.getKey() + ": has " + values.size()
                            + " values but the other zip lists have " + n + "; zip lists go together and must be equally long");
                }
                n = values.size();
            }
            List<Map<String, Node>> next = new ArrayList<>();
            for (Map<String, Node> p : points) {
                for (int i = 0; i < n; i++) {
                    Map<String, Node> q = new LinkedHashMap<>(p);
                    for (Map.Entry<String, Node> axis : zip.entrySet()) {
                        q.put(axis.getKey(), ((Node.ListNode) axis.getValue()).items().get(i));
                    }
                    next.add(q);
                }
            }
            points = next;
        }
        if (points.isEmpty()) {
            throw new BadInput((sweep != null ? sweep.source() : Source.builtIn("sweep")) + ": sweep: the grid is empty, "
                    + "so there is nothing to run");
        }
        return points;
    }

    private static List<Node> listOf(Node n, String path) {
        if (!(n instanceof Node.ListNode l)) {
            throw new BadInput(n.source() + ": " + path + ": expected a list of values, found " + n.describe());
        }
        if (l.items().isEmpty()) {
            throw new BadInput(n.source() + ": " + path + ": the list is empty, so the sweep would have no runs");
        }
        return l.items();
    }

    private static Map<String, Node> flatOverrides(Node arm, String path) {
        if (arm instanceof Node.Scalar s && s.value() == null) {
            return Map.of();
        }
        if (!(arm instanceof Node.MapNode m)) {
            throw new BadInput(arm.source() + ": " + path + ": an arm is a map of overrides {dotted.path: value}, found "
                    + arm.describe());
        }
        for (String k : m.entries().keySet()) {
            if (k.equals("sweep") || k.startsWith("sweep.")) {
                throw new BadInput(m.keySource(k) + ": " + path + ": an arm cannot change the sweep itself");
            }
        }
        return m.entries();
    }

    private static Node.MapNode applyOverride(Node.MapNode tree, String path, Node value) {
        Node existing = get(tree, path);
        if (existing instanceof Node.MapNode em && value instanceof Node.MapNode vm) {
            value = ConfigLoader.merge(em, vm);
        }
        return ConfigLoader.setPath(tree, path, value, value.source());
    }

    private static Node get(Node.MapNode tree, String path) {
        Node n = tree;
        for (String part : path.split("\\.")) {
            if (!(n instanceof Node.MapNode m)) {
                return null;
            }
            n = m.get(part);
        }
        return n;
    }

    private static Node.MapNode without(Node.MapNode tree, String key) {
        Map<String, Node> e = new LinkedHashMap<>(tree.entries());
        Map<String, Source> k = new LinkedHashMap<>(tree.keySources());
        e.remove(key);
        k.remove(key);
        return new Node.MapNode(e, k, tree.source());
    }

    static String runId(String arm, Map<String, Node> point, long seed) {
        StringBuilder sb = new StringBuilder(arm);
        point.forEach((path, v) -> {
            String leaf = path.substring(path.lastIndexOf('.') + 1);
            sb.append('-').append(leaf).append(String.valueOf(v.toPlain()).replaceAll("[^A-Za-z0-9_.]", "_"));
        });
        return sb.append("-s").append(seed).toString();
    }

    private static String defaultSweepId(List<RunPlan> runs) {
        Map<String, Object> all = new TreeMap<>();
        for (RunPlan r : runs) {
            all.put(r.id(), r.stages());
        }
        return "sweep-" + hash(all).substring(0, 10);
    }

    static String hash(Object plain) {
        try {
            return Fingerprints.sha256(CANONICAL.writeValueAsBytes(plain));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
