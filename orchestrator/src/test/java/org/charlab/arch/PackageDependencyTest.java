package org.charlab.arch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The package structure, written once: which charlab package may import which. Every import in
 * src/main must follow an allowed arrow, the arrows must form no cycle, and every package must be
 * placed here (a new package is a decision, not an accident).
 *
 * <p>Layers, bottom up: the root package (BuildInfo, BadInput) and config, stats, results; data;
 * the stage plug-in contract (stage) and charworld (world); the engine side (model, generate);
 * planning and execution (plan, exec); the stage kinds (eval, train); reading results (report) and browsing them (view);
 * and cli on top, which may use everything.
 */
class PackageDependencyTest {

    static final Path MAIN = Path.of("src/main/java/org/charlab");
    static final Pattern PACKAGE = Pattern.compile("^package org\\.charlab(?:\\.([\\w.]+))?;", Pattern.MULTILINE);
    static final Pattern IMPORT = Pattern.compile("^import (?:static )?org\\.charlab\\.([\\w.]+);", Pattern.MULTILINE);
    static final String ROOT = "(root)";

    /** package -> the packages it may import. */
    static final Map<String, Set<String>> ALLOWED = new LinkedHashMap<>();

    static {
        allow(ROOT);
        allow("config", ROOT);
        allow("stats", ROOT);
        allow("results", ROOT);
        allow("data", ROOT, "config");
        allow("stage", ROOT, "config", "data");
        allow("world", ROOT, "config", "data");
        allow("world.detect", ROOT, "config", "world");
        allow("model", ROOT, "config", "data");
        allow("generate", ROOT, "config", "data", "model");
        allow("plan", ROOT, "config", "data", "stage", "world");
        allow("exec", ROOT, "config", "data", "plan", "results", "stage");
        allow("exec.slurm", ROOT, "config", "exec", "plan", "results", "stage");
        allow("eval.judge", ROOT, "config", "stage");
        allow("eval", ROOT, "config", "data", "eval.judge", "generate", "model", "stage", "stats", "world",
                "world.detect");
        allow("train", ROOT, "config", "data", "generate", "model", "results", "stage", "stats");
        allow("train.stage", ROOT, "config", "data", "eval", "eval.judge", "generate", "model", "results", "stage",
                "stats", "train", "world", "world.detect");
        allow("report", ROOT, "config", "eval", "plan", "results", "stats", "world", "world.detect");
        allow("view", ROOT, "eval", "plan", "report", "results", "stats");
        allow("cli", ROOT, "config", "data", "eval", "eval.judge", "exec", "exec.slurm", "generate", "model", "plan",
                "report", "results", "stage", "stats", "train", "train.stage", "view", "world", "world.detect");
    }

    private static void allow(String pkg, String... targets) {
        ALLOWED.put(pkg, Set.of(targets));
    }

    @Test
    void everyImportFollowsAnAllowedArrow() throws Exception {
        List<String> violations = new ArrayList<>();
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(MAIN)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String src = Files.readString(f);
                Matcher pm = PACKAGE.matcher(src);
                assertTrue(pm.find(), "no package line in " + f);
                String pkg = pm.group(1) == null ? ROOT : pm.group(1);
                packages.add(pkg);
                Set<String> allowed = ALLOWED.get(pkg);
                if (allowed == null) {
                    continue;   // reported below
                }
                Matcher m = IMPORT.matcher(src);
                while (m.find()) {
                    String target = packageOf(m.group(1));
                    if (!target.equals(pkg) && !allowed.contains(target)) {
                        violations.add(MAIN.relativize(f) + ": " + pkg + " -> " + target + " (import org.charlab."
                                + m.group(1) + ")");
                    }
                }
            }
        }
        Set<String> unplaced = new TreeSet<>(packages);
        unplaced.removeAll(ALLOWED.keySet());
        assertEquals(Set.of(), unplaced, "packages not placed in PackageDependencyTest.ALLOWED");
        assertEquals(List.of(), violations);
    }

    @Test
    void theAllowedArrowsFormNoCycle() {
        Set<String> done = new HashSet<>();
        for (String p : ALLOWED.keySet()) {
            visit(p, new ArrayList<>(), done);
        }
        for (Set<String> targets : ALLOWED.values()) {
            assertTrue(ALLOWED.keySet().containsAll(targets), "an arrow to an unlisted package: " + targets);
        }
    }

    @Test
    void aCycleIsFound() {
        Map<String, Set<String>> saved = new LinkedHashMap<>(ALLOWED);
        try {
            ALLOWED.put("config", Set.of(ROOT, "plan"));   // plan -> config already: a cycle
            AssertionError e = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                    this::theAllowedArrowsFormNoCycle);
            assertTrue(e.getMessage().contains("config") && e.getMessage().contains("plan"), e.getMessage());
        } finally {
            ALLOWED.clear();
            ALLOWED.putAll(saved);
        }
    }

    private static void visit(String pkg, List<String> path, Set<String> done) {
        if (done.contains(pkg)) {
            return;
        }
        if (path.contains(pkg)) {
            List<String> cycle = new ArrayList<>(path.subList(path.indexOf(pkg), path.size()));
            cycle.add(pkg);
            throw new AssertionError("cycle in the allowed package arrows: " + String.join(" -> ", cycle));
        }
        path.add(pkg);
        for (String t : ALLOWED.getOrDefault(pkg, Set.of())) {
            visit(t, path, done);
        }
        path.remove(path.size() - 1);
        done.add(pkg);
    }

    /** "eval.judge.JudgeClient" -> "eval.judge"; "BuildInfo" -> ROOT; nested classes stay with their package. */
    static String packageOf(String name) {
        List<String> parts = new ArrayList<>();
        for (String part : name.split("\\.")) {
            if (Character.isUpperCase(part.charAt(0))) {
                break;
            }
            parts.add(part);
        }
        return parts.isEmpty() ? ROOT : String.join(".", parts);
    }
}
