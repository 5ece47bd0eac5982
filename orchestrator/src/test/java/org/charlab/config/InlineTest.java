package org.charlab.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
