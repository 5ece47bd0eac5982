package org.charlab.config;

import org.charlab.BadInput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class YamlReaderTest {

    private static final Path F = Path.of("exp.yaml");

    @Test
    void everyValueKnowsItsLineAndColumn() {
        Node.MapNode root = (Node.MapNode) YamlReader.parse("a: 1\nb:\n  c: [x, 2.5]\n", F);
        Node.MapNode b = (Node.MapNode) root.get("b");
        Node.ListNode c = (Node.ListNode) b.get("c");
        assertEquals(3, c.items().get(1).source().line());
        assertEquals(Source.file(F, 3, 3), b.keySource("c"));
        assertEquals(2.5, ((Node.Scalar) c.items().get(1)).value());
        assertEquals(1L, ((Node.Scalar) root.get("a")).value());
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        BadInput e = assertThrows(BadInput.class, () -> YamlReader.parse("a: 1\nb: [1, 2\nc: 3\n", F));
        assertTrue(e.getMessage().startsWith("exp.yaml:"), e.getMessage());
        assertTrue(e.getMessage().contains("malformed YAML"), e.getMessage());
    }

    @Test
    void aliasesAndAnchorsAreRefusedSoAliasBombsCannotExpand() {
        String bomb = "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                + "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n";
        BadInput e = assertThrows(BadInput.class, () -> YamlReader.parse(bomb, F));
        assertTrue(e.getMessage().startsWith("exp.yaml:1:"), e.getMessage());
        assertTrue(e.getMessage().contains("anchors and aliases"), e.getMessage());
    }

    @Test
    void duplicateKeysAreRefusedWithBothPlaces() {
        BadInput e = assertThrows(BadInput.class, () -> YamlReader.parse("arms:\n  a: {}\n  a: {}\n", F));
        assertTrue(e.getMessage().contains("exp.yaml:3:3: duplicate key 'a' (first at exp.yaml:2:3)"), e.getMessage());
    }

    @Test
    void commandLineValuesAreReadAsYaml() {
        Source s = Source.commandLine("x=1e-4");
        assertEquals(1e-4, ((Node.Scalar) YamlReader.parseValue("1e-4", s)).value());
        assertEquals(3L, ((Node.Scalar) YamlReader.parseValue("3", s)).value());
        assertEquals("cosine", ((Node.Scalar) YamlReader.parseValue("cosine", s)).value());
        assertEquals(java.util.List.of(1L, 2L), YamlReader.parseValue("[1, 2]", s).toPlain());
        assertEquals(s, YamlReader.parseValue("[1, 2]", s).source());
    }
}
