package org.charlab.config;

import org.charlab.BadInput;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class InlineTest {

    record Shared(@Setting(doc = "Step size.", def = "0.1", min = 0, minExclusive = true) double learningRate) {
    }

    record Method(@Setting(doc = "Strength.", def = "1") int beta, @Inline Shared shared) {
    }

    record Tuned(@Setting(doc = "Rate; null: the stage type's.", def = "null") Double rate,
            @Setting(doc = "Steps.", def = "10") int steps) {
    }

    record StageA(@Setting(doc = "Own.", def = "1") int own, @Inline(defaults = "rate=0.5") Tuned tuned) {
    }

    record StageB(@Inline(defaults = "rate=" + StageB.RATE) Tuned tuned) {
        static final double RATE = 1e-4;
    }

    record Wrong(@Inline(defaults = "steps=3") Tuned tuned) {
    }

    private final Binder binder = new Binder(t -> null);

    @Test
    void inlinedFieldsAreWrittenFlatAndBoundIntoTheNestedRecord() {
        Method m = binder.bind(Method.class, YamlReader.parse("beta: 3\nlearning_rate: 0.5\n", Path.of("m.yaml")), "sft");
        assertEquals(new Method(3, new Shared(0.5)), m);
        assertEquals(Map.of("beta", 3, "learning_rate", 0.5), ConfigWriter.toPlain(m));
        assertEquals(new Method(1, new Shared(0.1)), binder.bind(Method.class, YamlReader.parse("{}", Path.of("m.yaml")), "sft"));
    }

    @Test
    void inlinedFieldsAreCheckedLikeOwnOnes() {
        BadInput typo = assertThrows(BadInput.class,
                () -> binder.bind(Method.class, YamlReader.parse("learnig_rate: 1\n", Path.of("m.yaml")), "sft"));
        assertTrue(typo.getMessage().contains("unknown key 'learnig_rate' at sft; did you mean 'learning_rate'?"), typo.getMessage());
        BadInput range = assertThrows(BadInput.class,
                () -> binder.bind(Method.class, YamlReader.parse("learning_rate: 0\n", Path.of("m.yaml")), "sft"));
        assertTrue(range.getMessage().endsWith("sft.learning_rate: must be > 0, found 0"), range.getMessage());
    }

    @Test
    void docsListInlinedFieldsAtTheEnclosingLevel() {
        assertEquals(List.of("beta", "learning_rate"), Binder.keys(Method.class).stream().toList());
    }

    @Test
    void theReferenceRendersAnInlinedGroupOnceWithTheDefaultsEachStageTypeGivesIt() {
        ConfigDocs docs = new ConfigDocs(List.of(new ConfigDocs.StageType("a", "A.", StageA.class),
                new ConfigDocs.StageType("b", "B.", StageB.class)));
        String md = docs.markdown();
        assertEquals(1, md.lines().filter(l -> l.contains(".rate`")).count(), md);
        assertTrue(md.contains("#### `stages.<name>[type=a|b].rate`\n"), md);
        assertTrue(md.contains("### `stages.<name>[type=a].own`\n"), md);
        assertTrue(md.contains("| field | `a` | `b` |\n|---|---|---|\n| `rate` | `0.5` | `0.0001` |\n"), md);
        assertFalse(md.contains("| `steps` |"), md);
        // explain still finds the group's fields under each stage type, with that type's default
        assertEquals("null (a: 0.5)", docs.find("a.rate").get(0).def());
        assertEquals("null (b: 0.0001)", docs.find("stages.b.rate").get(0).def());
        assertEquals("10", docs.find("b.steps").get(0).def());
        // a stage default for a setting the binder fills itself would be shown but never used
        IllegalStateException wrong = assertThrows(IllegalStateException.class,
                () -> new ConfigDocs(List.of(new ConfigDocs.StageType("w", "W.", Wrong.class))).entries());
        assertTrue(wrong.getMessage().contains("'steps=3'"), wrong.getMessage());
    }
}
