package org.charlab.config;

import org.charlab.BadInput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    @TempDir
    Path dir;

    private Path write(String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void extendsMergesDeeplyAndLaterWins() throws Exception {
        write("configs/model/tiny.yaml", "runtime: {device: cpu, threads: 2}\nstages:\n  a: {type: count, value: 1, rate: 0.1}\n");
        write("configs/method/fast.yaml", "stages:\n  a: {rate: 0.2}\n");
        Path exp = write("experiments/e.yaml", "extends: [model/tiny, method/fast]\nname: e\nstages:\n  a: {value: 3}\n");
        Node.MapNode t = ConfigLoader.load(exp, List.of());
        assertEquals(Map.of("type", "count", "value", 3L, "rate", 0.2), t.get("stages").toPlain() instanceof Map<?, ?> m
                ? m.get("a") : null);
        assertEquals(2L, ((Map<?, ?>) t.get("runtime").toPlain()).get("threads"));
        assertFalse(t.entries().containsKey("extends"));
        Node value = ((Node.MapNode) ((Node.MapNode) t.get("stages")).get("a")).get("value");
        assertTrue(value.source().origin().endsWith("e.yaml"), "the value remembers the file that set it");
    }

    @Test
    void nestedExtendsFillsOneStageAndKeepsTheExperimentsStageOrder() throws Exception {
        write("configs/eval/quick.yaml", "description: a quick eval\ntype: count\nvalue: 5\nrate: 0.2\n");
        Path exp = write("experiments/e.yaml", "name: e\nstages:\n  base: {type: count}\n"
                + "  eval: {extends: eval/quick, rate: 0.3}\n");
        Node.MapNode t = ConfigLoader.load(exp, List.of());
        Node.MapNode stages = (Node.MapNode) t.get("stages");
        assertEquals(List.of("base", "eval"), List.copyOf(stages.entries().keySet()));
        assertEquals(Map.of("type", "count", "value", 5L, "rate", 0.3), stages.get("eval").toPlain());
    }

    @Test
    void relativeYamlPathsResolveFromTheExtendingFile() throws Exception {
        write("base.yaml", "name: base\nquestion: q\n");
        Path exp = write("sub/e.yaml", "extends: ../base.yaml\nname: e\n");
        Node.MapNode t = ConfigLoader.load(exp, List.of());
        assertEquals("q", ((Node.Scalar) t.get("question")).value());
        assertEquals("e", ((Node.Scalar) t.get("name")).value());
    }

    @Test
    void cyclesAreRefusedWithThePath() throws Exception {
        write("a.yaml", "extends: b.yaml\nname: a\n");
        write("b.yaml", "extends: c.yaml\n");
        write("c.yaml", "extends: a.yaml\n");
        BadInput e = assertThrows(BadInput.class, () -> ConfigLoader.load(dir.resolve("a.yaml"), List.of()));
        assertTrue(e.getMessage().endsWith("cyclic extends: a.yaml -> b.yaml -> c.yaml -> a.yaml"), e.getMessage());
        assertTrue(e.getMessage().contains("c.yaml:1:10"), e.getMessage());
    }

    @Test
    void overridesAreAppliedLastAndRememberTheCommandLine() throws Exception {
        Path exp = write("e.yaml", "name: e\nstages:\n  a: {type: count, value: 1}\n");
        Node.MapNode t = ConfigLoader.load(exp, List.of("stages.a.value=2.5", "runtime.device=cuda:1"));
        Node v = ((Node.MapNode) ((Node.MapNode) t.get("stages")).get("a")).get("value");
        assertEquals(2.5, ((Node.Scalar) v).value());
        assertEquals("command line 'stages.a.value=2.5'", v.source().toString());
        assertEquals(Map.of("device", "cuda:1"), t.get("runtime").toPlain());
    }

    @Test
    void overrideThroughAScalarIsRefused() throws Exception {
        Path exp = write("e.yaml", "name: e\n");
        BadInput e = assertThrows(BadInput.class, () -> ConfigLoader.load(exp, List.of("name.x=1")));
        assertTrue(e.getMessage().contains("'name' is the string 'e'"), e.getMessage());
    }
}
