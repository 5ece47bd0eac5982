package org.charlab.exec;

import org.charlab.stage.StageKind;
import org.charlab.stage.StageContext;
import org.charlab.stage.Progress;
import org.charlab.stage.Stage;
import org.charlab.stage.StageCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.BuildInfo;
import org.charlab.config.Binder;
import org.charlab.config.Node;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.Source;
import org.charlab.plan.Plan;
import org.charlab.plan.StagePlan;
import org.charlab.results.AtomicFiles;
import org.charlab.results.StageCache;

/**
 * Computes one stage of a plan into the cache: takes the stage's lock, returns at once if another
 * process finished it meanwhile, builds the typed config from plan.json, runs the stage in
 * {@code <key>.partial/}, and commits it by an atomic rename. On failure it records the reason in
 * {@code <key>.failed.json} and rethrows. This is what a child JVM or a Slurm array task runs.
 */
public final class StageRunner {

    public enum Outcome { COMPUTED, ALREADY_DONE }

    private final StageCatalog catalog;

    public StageRunner(StageCatalog catalog) {
        this.catalog = catalog;
    }

    public Outcome run(Plan plan, StageCache cache, String key, int threads, Progress progress) throws Exception {
        StagePlan sp = plan.stages().get(key);
        if (sp == null) {
            throw new IllegalArgumentException("no stage " + key + " in plan " + plan.sweepId());
        }
        try (StageCache.Lock lock = cache.lock(key)) {
            if (cache.isDone(key)) {
                return Outcome.ALREADY_DONE;
            }
            StageKind<?> kind = catalog.get(sp.type());
            if (kind == null) {
                throw new IllegalStateException("stage type '" + sp.type() + "' is not on this classpath");
            }
            Files.deleteIfExists(cache.failure(key));
            Path out = cache.partial(key);
            if (!kind.resumable()) {
                AtomicFiles.deleteTree(out);
            }
            Files.createDirectories(out);
            Instant started = Instant.now();
            try {
                runKind(kind, sp, plan, cache, out, threads, progress);
            } catch (Exception | Error e) {
                Map<String, Object> failure = new LinkedHashMap<>();
                failure.put("key", key);
                failure.put("reason", reason(e));
                failure.put("when", Instant.now().toString());
                AtomicFiles.write(cache.failure(key), Plan.JSON.writeValueAsBytes(failure));
                throw e;
            }
            Instant ended = Instant.now();
            Map<String, Object> info = new LinkedHashMap<>();
            info.put("key", key);
            info.put("name", sp.name());
            info.put("type", sp.type());
            info.put("kind_version", sp.kindVersion());
            info.put("seed", sp.seed());
            info.put("deps", sp.deps());
            info.put("config", sp.config());
            info.put("files", sp.files());
            info.put("charlab_version", BuildInfo.version());
            info.put("code", sp.code());
            if (sp.recompute() != null) {
                info.put("recompute", sp.recompute());
            }
            Path facts = out.resolve(Stage.FACTS);
            if (Files.isRegularFile(facts)) {
                info.put("facts", Plan.JSON.readValue(facts.toFile(), LinkedHashMap.class));
                Files.delete(facts);
            }
            info.put("threads", threads);
            // speed only: the lanes' work is cut by the machine's cores, whatever runs it (model.Lanes)
            info.put("lane_threads", Integer.getInteger(RuntimeConfig.LANE_THREADS_PROPERTY, threads));
            info.put("cores", Runtime.getRuntime().availableProcessors());
            info.put("started", started.toString());
            info.put("ended", ended.toString());
            info.put("seconds", Duration.between(started, ended).toMillis() / 1000.0);
            cache.commit(key, Plan.JSON.writeValueAsBytes(info));
            return Outcome.COMPUTED;
        }
    }

    private <C extends Record> void runKind(StageKind<C> kind, StagePlan sp, Plan plan, StageCache cache, Path out,
            int threads, Progress progress) throws Exception {
        Binder binder = new Binder(catalog::configType);
        Source src = Source.builtIn("plan.json of " + plan.sweepId() + ", stage " + sp.key());
        C config = binder.bind(kind.configType(), Node.fromPlain(sp.config(), src), "stages." + sp.name());
        RuntimeConfig rt = binder.bind(RuntimeConfig.class, Node.fromPlain(sp.runtime(), src), "runtime");
        RuntimeConfig resolved = new RuntimeConfig(rt.device(), threads, rt.interopThreads());
        Map<String, Path> inputs = new LinkedHashMap<>();
        for (Map.Entry<String, String> d : sp.deps().entrySet()) {
            if (!cache.isDone(d.getValue())) {
                throw new IllegalStateException("input '" + d.getKey() + "' (" + d.getValue() + ") is not finished");
            }
            inputs.put(d.getKey(), cache.output(d.getValue()));
        }
        kind.create().run(new StageContext<>(sp.name(), config, out, inputs, sp.seed(), resolved, progress));
    }

    /** One line: the exception's class and message, and where it came from. */
    public static String reason(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage() == null ? "" : ": " + root.getMessage().replace('\n', ' ');
        return root.getClass().getSimpleName() + msg;
    }

    static void ensureDir(Path p) {
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
