package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import javax.tools.ToolProvider;
import org.charlab.stage.StageCatalog;
import org.charlab.stage.StageKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stage keys follow the code that computes each stage, and only that code. */
class CodeFingerprintTest {

    static final String DETECTOR = "org.charlab.world.detect.SpanishDetector";
    static final String REPORT = "org.charlab.report.Comparison";
    static final Path QUICKSTART = Path.of("../experiments/quickstart.yaml");

    private final StageCatalog catalog = StageCatalog.load();
    private final ClassLoader loader = getClass().getClassLoader();

    @TempDir
    Path dir;

    private String kindClass(String type) {
        return catalog.get(type).getClass().getName();
    }

    /** The real class bytes, except {@code edited}, whose first {@code from} becomes {@code to} (same length). */
    private Function<String, byte[]> editing(String edited, String from, String to) {
        return name -> {
            byte[] b = read(name);
            if (name.equals(edited)) {
                b = replaceOnce(b, from, to);
            }
            return b;
        };
    }

    private byte[] read(String name) {
        try (InputStream in = loader.getResourceAsStream(name.replace('.', '/') + ".class")) {
            return in == null ? null : in.readAllBytes();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] replaceOnce(byte[] b, String from, String to) {
        byte[] f = from.getBytes(StandardCharsets.UTF_8);
        byte[] t = to.getBytes(StandardCharsets.UTF_8);
        assertEquals(f.length, t.length);
        outer:
        for (int i = 0; i + f.length <= b.length; i++) {
            for (int j = 0; j < f.length; j++) {
                if (b[i + j] != f[j]) {
                    continue outer;
                }
            }
            byte[] c = b.clone();
            System.arraycopy(t, 0, c, i, t.length);
            return c;
        }
        throw new AssertionError("'" + from + "' is not in the class file");
    }

    @Test
    void realClosuresHoldWhatEachKindRunsAndNothingElse() {
        CodeFingerprint real = CodeFingerprint.of(loader);
        Set<String> eval = real.closure(kindClass("eval"));
        assertTrue(eval.contains(DETECTOR), "eval scores with the detectors");
        assertTrue(eval.contains("org.charlab.eval.EvalStage"), "reached from EvalStageKind.create()");
        assertTrue(eval.contains("org.charlab.generate.Generator"));
        Set<String> pretrain = real.closure(kindClass("pretrain"));
        assertTrue(pretrain.contains("org.charlab.train.Trainer"));
        assertTrue(pretrain.contains("org.charlab.world.ArithmeticFamily"), "the corpus templates");
        for (String scorer : List.of("org.charlab.eval.Scorers", "org.charlab.eval.JudgeScorer", DETECTOR,
                "org.charlab.eval.EvalStage")) {
            assertFalse(pretrain.contains(scorer), scorer + " cannot change a pretrained model");
        }
        for (StageKind<?> k : catalog.all()) {
            Set<String> c = real.closure(k.getClass().getName());
            assertTrue(c.contains(k.getClass().getName()) && c.contains("org.charlab.exec.StageRunner"), k.type());
            for (String name : c) {
                assertFalse(name.startsWith("org.charlab.cli.") || name.startsWith("org.charlab.report."),
                        k.type() + "'s closure holds " + name);
            }
            for (StageKind<?> other : catalog.all()) {
                assertTrue(other == k || !c.contains(other.getClass().getName()),
                        k.type() + "'s closure holds the kind " + other.type() + " (the catalog loads it, not this kind)");
            }
        }
    }

    @Test
    void editingADetectorChangesEvalsFingerprintAndNotPretrains() {
        CodeFingerprint real = new CodeFingerprint(this::read);
        CodeFingerprint edited = new CodeFingerprint(editing(DETECTOR, "porque", "porqux"));
        assertNotEquals(real.fingerprint(kindClass("eval")), edited.fingerprint(kindClass("eval")));
        for (String type : List.of("pretrain", "sft", "dpo", "opd", "checkpoint")) {
            assertEquals(real.fingerprint(kindClass(type)), edited.fingerprint(kindClass(type)), type);
        }
    }

    @Test
    void editingAReportClassChangesNoFingerprint() {
        assertNotNull(read(REPORT));
        CodeFingerprint real = new CodeFingerprint(this::read);
        CodeFingerprint edited = new CodeFingerprint(editing(REPORT, "Comparison", "Comparisoo"));
        for (StageKind<?> k : catalog.all()) {
            assertEquals(real.fingerprint(k.getClass().getName()), edited.fingerprint(k.getClass().getName()), k.type());
        }
    }

    @Test
    void keysFollowTheCodeThroughTheirDependencies() {
        Function<Function<String, byte[]>, Map<String, String>> keys = bytes -> {
            CodeFingerprint f = new CodeFingerprint(bytes);
            Plan p = new Planner(catalog, k -> f.fingerprint(k.getClass().getName())).plan(QUICKSTART, List.of(), null);
            RunPlan r = p.runs().get(0);
            return Map.of("pretrain", r.keyOf("pretrain"), "sft", r.keyOf("sft"), "eval", r.keyOf("eval"));
        };
        Map<String, String> real = keys.apply(this::read);
        assertEquals(real, keys.apply(editing(REPORT, "Comparison", "Comparisoo")), "a report edit changes no key");
        Map<String, String> detector = keys.apply(editing(DETECTOR, "porque", "porqux"));
        assertEquals(real.get("pretrain"), detector.get("pretrain"));
        assertEquals(real.get("sft"), detector.get("sft"));
        assertNotEquals(real.get("eval"), detector.get("eval"));
        Map<String, String> trainer = keys.apply(editing("org.charlab.train.AdamW", "AdamW", "AdamX"));
        assertNotEquals(real.get("pretrain"), trainer.get("pretrain"), "the optimizer trains the base");
        assertNotEquals(real.get("eval"), trainer.get("eval"), "eval's code is the same, its input is not");
        assertEquals(real, keys.apply(name -> read(name)), "the same bytes, the same keys");
        assertEquals(real.get("eval"), new Planner(catalog).plan(QUICKSTART, List.of(), null).runs().get(0).keyOf("eval"),
                "the planner's own fingerprints read the same class files");
    }

    @Test
    void commentsAndBlankLinesDoNotCountButCodeDoes() throws Exception {
        String a = "package p;\npublic class A {\n  int f() { return 1; }\n}\n";
        String comment = "package p;\n/** A. */\npublic class A {\n\n  // one\n  int f() {\n return 1; }\n}\n";
        String code = "package p;\npublic class A {\n  int f() { return 2; }\n}\n";
        assertEquals(hashOf(a, "a"), hashOf(comment, "b"), "line numbers moved, the code did not");
        assertNotEquals(hashOf(a, "a"), hashOf(code, "c"));
    }

    private String hashOf(String source, String sub) throws Exception {
        Path src = dir.resolve(sub).resolve("A.java");
        Files.createDirectories(src.getParent());
        Files.writeString(src, source);
        Path out = dir.resolve(sub + "-out");
        assertEquals(0, ToolProvider.getSystemJavaCompiler().run(null, null, null, "-g", "-d", out.toString(),
                src.toString()));
        ClassFiles.Parsed p = ClassFiles.parse(Files.readAllBytes(out.resolve("p/A.class")));
        return p.sha256();
    }
}
