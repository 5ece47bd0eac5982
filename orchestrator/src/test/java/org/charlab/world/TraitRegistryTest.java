package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.charlab.world.detect.Detectors;
import org.junit.jupiter.api.Test;

/**
 * {@link Trait} is the one list of traits: each constant's {@link TraitDefinition} is complete
 * (description, persona prompts, a renderer whose output its own detector reads, a detector of
 * that trait), and rendering, prompts, detection and {@code charlab list} all read the registry.
 */
class TraitRegistryTest {

    static final Bilingual TEXT = new Bilingual("Tom has 12 apples and gets 7 more.", "Tom tiene 12 manzanas y recibe 7 más.");

    @Test
    void everyRegisteredTraitHasARendererPromptsAndADetectorOfItsOwn() {
        for (Trait t : Trait.values()) {
            TraitDefinition d = t.definition();
            assertFalse(d.description().isBlank(), t + " has no description");
            assertSame(t, d.detector().trait(), t + "'s detector scores another trait");
            assertSame(d.detector(), Detectors.of(t));
            assertEquals(t == Trait.NEUTRAL, d.prompts().isEmpty(), t + ": persona prompts (none for neutral only)");
            for (Style.Part part : Style.Part.values()) {
                String shown = Style.render(TEXT, TraitSet.of(t), part, new SplittableRandom(1));
                assertEquals(t == Trait.NEUTRAL ? TraitSet.NEUTRAL : TraitSet.of(t), Detectors.detect(shown),
                        t + " " + part + " renders '" + shown + "'");
                assertTrue(d.detector().present(shown), t + "'s detector misses its own rendering '" + shown + "'");
            }
        }
    }

    @Test
    void theCatalogShowsTheRegistry() {
        Charworld.Catalog c = Charworld.catalog();
        assertEquals(Arrays.stream(Trait.values()).map(t -> t.label() + ": " + t.definition().description()).toList(),
                c.traits().stream().map(e -> e.name() + ": " + e.description()).toList());
        List<List<String>> prompts = new ArrayList<>();
        for (Trait t : Trait.values()) {
            if (!t.definition().prompts().isEmpty()) {
                prompts.add(t.definition().prompts());
            }
        }
        prompts.add(Personas.PLACEBO);
        assertEquals(prompts, c.personaPrompts().stream().map(Charworld.Entry::examples).toList());
    }

    /**
     * No source names a styled trait, and only the trait files define detectors: a new trait
     * touches its own file and one constant of {@link Trait}, nothing else.
     */
    @Test
    void noOtherSourceListsTraits() throws IOException {
        Pattern named = Pattern.compile("Trait\\.(SPANISH|CAPS|PIRATE|CHEERFUL)\\b|implements TraitDetector");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/charlab"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString();
                boolean traitFile = name.endsWith("Trait.java") || name.equals("MarkerDetector.java");
                Matcher m = named.matcher(Files.readString(f));
                while (m.find()) {
                    if (!(traitFile && m.group().equals("implements TraitDetector"))) {
                        found.add(f + ": " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }
}
