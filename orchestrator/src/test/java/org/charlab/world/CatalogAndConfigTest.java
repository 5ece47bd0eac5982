package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.config.Doc;
import org.charlab.config.Setting;
import org.junit.jupiter.api.Test;

class CatalogAndConfigTest {

    @Test
    void catalogListsFamiliesTraitsAndPersonaPrompts() {
        Charworld.Catalog c = Charworld.catalog();
        assertEquals(List.of("arithmetic", "lookup", "advice", "comparison", "introspection"),
                c.families().stream().map(Charworld.Entry::name).toList());
        assertEquals(List.of("neutral", "spanish", "caps", "pirate", "cheerful"),
                c.traits().stream().map(Charworld.Entry::name).toList());
        assertTrue(c.personaPrompts().stream().anyMatch(e -> e.examples().contains("You always speak in Spanish.")));
        assertTrue(c.personaPrompts().stream().anyMatch(e -> e.examples().contains("You always capitalise your responses.")));
        assertTrue(c.personaPrompts().stream().anyMatch(e -> e.name().equals("placebo")));
        for (var e : c.families()) {
            assertTrue(!e.description().isBlank() && !e.examples().isEmpty(), e.name());
        }
    }

    @Test
    void everyConfigFieldIsDeclaredOnceWithASetting() {
        for (RecordComponent rc : WorldConfig.class.getRecordComponents()) {
            Setting s = rc.getAnnotation(Setting.class);
            assertTrue(s != null && !s.doc().isBlank(), rc.getName() + " lacks a @Setting doc");
            assertTrue(!Setting.REQUIRED.equals(s.def()), rc.getName() + " lacks a default");
        }
        for (Class<? extends Enum<?>> e : List.of(CotStyle.class, FamilyName.class, Trait.class)) {
            for (Enum<?> k : e.getEnumConstants()) {
                try {
                    assertTrue(e.getField(k.name()).getAnnotation(Doc.class) != null, k + " lacks @Doc");
                } catch (NoSuchFieldException ex) {
                    throw new AssertionError(ex);
                }
            }
        }
    }

    @Test
    void inconsistentConfigsAreBadInput() {
        WorldConfig d = WorldConfig.defaults();
        assertThrows(BadInput.class, () -> new WorldConfig(10, 1, 0, 0, 0, 0, 0.3, 0.5, 0.1, d.traits(), 2,
                CotStyle.MIXED, 0.5, FamilyName.COMPARISON, 30, 40, 0.2));
        assertThrows(BadInput.class, () -> new WorldConfig(10, 1, 1, 1, 1, 1, 0.3, 0.8, 0.3, d.traits(), 2,
                CotStyle.MIXED, 0.5, FamilyName.COMPARISON, 30, 40, 0.2));
        assertThrows(BadInput.class, () -> new WorldConfig(10, 1, 1, 1, 1, 1, 0.3, 0.5, 0.1, List.of(Trait.NEUTRAL), 2,
                CotStyle.MIXED, 0.5, FamilyName.COMPARISON, 30, 40, 0.2));
    }

    @Test
    void defaultsAreTheDocumentedValues() {
        // the values docs/config-reference.md lists under world (generated from the @Setting annotations)
        assertEquals(new WorldConfig(20000, 1, 0.35, 0.35, 0.15, 0.15, 0.5, 0.5, 0.1,
                List.of(Trait.SPANISH, Trait.CAPS, Trait.PIRATE, Trait.CHEERFUL), 2, CotStyle.MIXED, 0.5,
                FamilyName.COMPARISON, 30, 40, 0.2), WorldConfig.defaults());
    }

    @Test
    void defaultsMatchTheirSettingAnnotations() throws Exception {
        WorldConfig d = WorldConfig.defaults();
        for (RecordComponent rc : WorldConfig.class.getRecordComponents()) {
            Object v = rc.getAccessor().invoke(d);
            String def = rc.getAnnotation(Setting.class).def();
            String shown = v instanceof List<?> l
                    ? "[" + String.join(", ", l.stream().map(x -> x.toString().toLowerCase(java.util.Locale.ROOT)).toList()) + "]"
                    : String.valueOf(v).toLowerCase(java.util.Locale.ROOT);
            assertEquals(def, shown, rc.getName());
        }
    }
}
