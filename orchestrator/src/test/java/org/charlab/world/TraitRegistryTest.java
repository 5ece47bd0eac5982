package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.charlab.plan.CodeFingerprint;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.TraitDetector;
import org.junit.jupiter.api.Test;

/**
 * {@link Trait} is the one list of traits: each constant's {@link TraitDefinition} is complete
 * (description, persona prompts except for neutral, a rendering the trait's detector reads), each
 * trait has exactly one detector in {@link Detectors}, and rendering, prompts and
 * {@code charlab list} read the registry. What renders a trait never reaches a detector, so a
 * detector fix changes only the eval stage's key.
 */
class TraitRegistryTest {

    static final Bilingual TEXT = new Bilingual("Tom has 12 apples and gets 7 more.",
            "Tom tiene 12 manzanas y recibe 7 más.");

    @Test
    void everyTraitHasADefinitionPromptsAndADetectorThatReadsItsRendering() {
        for (Trait t : Trait.values()) {
            TraitDefinition d = t.definition();
            assertNotNull(d, t + " has no definition");
            assertFalse(d.description().isBlank(), t + " has no description");
            assertEquals(t == Trait.NEUTRAL, d.prompts().isEmpty(), t + ": persona prompts (none for neutral only)");
            TraitDetector detector = Detectors.of(t);
            assertNotNull(detector, t + " has no detector in Detectors");
            assertSame(t, detector.trait(), t + "'s detector reports " + detector.trait());
            for (Style.Part part : Style.Part.values()) {
                String shown = Style.render(TEXT, TraitSet.of(t), part, new SplittableRandom(1));
                assertTrue(detector.present(shown), t + "'s detector misses its own rendering '" + shown + "'");
                assertEquals(t == Trait.NEUTRAL ? TraitSet.NEUTRAL : TraitSet.of(t), Detectors.detect(shown),
                        t + " " + part + " renders '" + shown + "'");
            }
        }
        assertEquals(Arrays.asList(Trait.values()), Detectors.all().stream().map(TraitDetector::trait).toList(),
                "one detector per trait, in trait order");
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
     * The closure CodeFingerprint hashes from {@link Trait} (which the corpus generator, and so the
     * training stages, reach) holds every trait file and no detector, while the eval side's
     * {@link Detectors} reaches every detector.
     */
    @Test
    void whatRendersATraitNeverReachesADetector() {
        CodeFingerprint f = CodeFingerprint.of(getClass().getClassLoader());
        Set<String> rendering = f.closure(Trait.class.getName());
        for (Trait t : Trait.values()) {
            assertTrue(rendering.contains(Trait.class.getPackageName() + "." + traitFile(t)), t + ": " + rendering);
        }
        assertEquals(List.of(), rendering.stream().filter(c -> c.startsWith(Detectors.class.getPackageName())).toList());
        Set<String> detection = f.closure(Detectors.class.getName());
        for (TraitDetector d : Detectors.all()) {
            assertTrue(detection.contains(d.getClass().getName()), d.getClass().getName());
        }
    }

    /**
     * Only detectors name a styled trait constant, and only {@link Detectors} creates detectors:
     * a new trait is its file, its constant, its detector and one entry in {@link Detectors}.
     */
    @Test
    void noOtherSourceListsTraitsOrDetectors() throws IOException {
        Pattern named = Pattern.compile("Trait\\.(SPANISH|CAPS|PIRATE|CHEERFUL)\\b|new \\w+Detector\\(");
        List<String> found = new ArrayList<>();
        try (Stream<Path> files = Files.walk(Path.of("src/main/java/org/charlab"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                String name = f.getFileName().toString();
                Matcher m = named.matcher(Files.readString(f));
                while (m.find()) {
                    boolean allowed = m.group().startsWith("new ") ? name.equals("Detectors.java")
                            : f.getParent().endsWith("world/detect") && name.endsWith("Detector.java");
                    if (!allowed) {
                        found.add(f + ": " + m.group());
                    }
                }
            }
        }
        assertEquals(List.of(), found);
    }

    private static String traitFile(Trait t) {
        return t.name().charAt(0) + t.label().substring(1) + "Trait";
    }
}
