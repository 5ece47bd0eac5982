package org.charlab.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.charlab.stage.StageKind;

/**
 * The code a stage kind's output depends on, as one SHA-256 that goes into every key of that kind:
 * a change to a detector changes the eval key, and, through the dependency keys, the keys of
 * everything downstream, while a change to the report or the CLI changes no key.
 *
 * <p>The closure of a kind starts at its {@link StageKind} class (the one named in
 * META-INF/services, which {@link StageKind#create()} links to its stage) and at
 * {@link #COMMON_ROOTS} (the runner every stage goes through), and follows every org.charlab class
 * a class file names ({@link ClassFiles}) outside {@link #EXCLUDED}. The plug-ins found by
 * {@link java.util.ServiceLoader} are invisible to such a walk, which is why each kind is a root of
 * its own closure and the catalog's other kinds are not in it. The fingerprint is the SHA-256 over
 * the sorted (class name, class hash) lines of the closure, with line-number and local-variable
 * tables left out of each class hash so that editing a comment changes nothing.
 *
 * <p>Library code (DJL, PyTorch's native build) is not walked; the planner puts its versions into
 * the key beside this fingerprint.
 */
public final class CodeFingerprint {

    /**
     * Code left out of every closure: packages (ending in '.') and classes (with their nested
     * classes) that cannot change what a later stage reads from a stage's output.
     */
    public static final List<String> EXCLUDED = List.of(
            "org.charlab.cli.",        // the command line: parses and prints
            "org.charlab.report.",     // reads finished results: tables, plots, verdicts
            "org.charlab.plan.",       // sweep expansion and keys: what it decides for a stage is in the key as values
            "org.charlab.exec.slurm.", // where a stage runs, not what it computes
            // a training stage's closing check (eval.json, the last metrics.jsonl line): a diagnostic no
            // stage reads, so editing it or the detectors it scores with does not retrain a model
            "org.charlab.train.stage.QuickEval"
    );

    /** Classes every stage's output goes through besides its own: binding plan.json into its config. */
    public static final List<String> COMMON_ROOTS = List.of("org.charlab.exec.StageRunner");

    private static final String OURS = "org.charlab.";
    private static final Map<ClassLoader, CodeFingerprint> PER_LOADER = new ConcurrentHashMap<>();

    private final Function<String, byte[]> classBytes;
    private final Map<String, ClassFiles.Parsed> parsed = new ConcurrentHashMap<>();
    private final Map<String, String> fingerprints = new ConcurrentHashMap<>();

    /**
     * @param classBytes a class's bytes by binary name ({@code org.charlab.eval.EvalStage}), or null
     *                   when there is no such class
     */
    public CodeFingerprint(Function<String, byte[]> classBytes) {
        this.classBytes = classBytes;
    }

    /** Class files as {@code loader} sees them: from charlab.jar or from target/classes alike. */
    public static CodeFingerprint of(ClassLoader loader) {
        return PER_LOADER.computeIfAbsent(loader, l -> new CodeFingerprint(name -> read(l, name)));
    }

    /** The fingerprint of a kind's code, computed once per process and class loader. */
    public static String of(StageKind<?> kind) {
        Class<?> c = kind.getClass();
        return of(c.getClassLoader()).fingerprint(c.getName());
    }

    /** Whether a class can be part of a closure at all. */
    public static boolean counts(String className) {
        return className.startsWith(OURS) && EXCLUDED.stream().noneMatch(e -> e.endsWith(".")
                ? className.startsWith(e) : className.equals(e) || className.startsWith(e + "$"));
    }

    /** SHA-256 over the closure of {@code kindClass}: each class's name and normalised hash, sorted. */
    public String fingerprint(String kindClass) {
        return fingerprints.computeIfAbsent(kindClass, k -> {
            StringBuilder sb = new StringBuilder();
            for (String c : closure(k)) {
                ClassFiles.Parsed p = parse(c);
                sb.append(c).append('\t').append(p == null ? "absent" : p.sha256()).append('\n');
            }
            return Fingerprints.sha256(sb.toString());
        });
    }

    /** The classes whose code {@code kindClass}'s output depends on, by binary name. */
    public SortedSet<String> closure(String kindClass) {
        SortedSet<String> seen = new TreeSet<>();
        Deque<String> todo = new ArrayDeque<>();
        todo.add(kindClass);
        todo.addAll(COMMON_ROOTS);
        while (!todo.isEmpty()) {
            String c = todo.pop();
            if (!counts(c) || !seen.add(c)) {
                continue;
            }
            ClassFiles.Parsed p = parse(c);
            if (p != null) {
                todo.addAll(p.references());
            }
        }
        return seen;
    }

    private ClassFiles.Parsed parse(String className) {
        ClassFiles.Parsed p = parsed.get(className);
        if (p == null) {
            byte[] bytes = classBytes.apply(className);
            if (bytes == null) {
                return null;
            }
            p = ClassFiles.parse(bytes);
            parsed.put(className, p);
        }
        return p;
    }

    private static byte[] read(ClassLoader loader, String className) {
        try (InputStream in = loader.getResourceAsStream(className.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read class " + className, e);
        }
    }
}
