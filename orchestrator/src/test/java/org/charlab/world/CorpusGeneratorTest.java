package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.Message;
import org.charlab.data.ThinkFormat;
import org.charlab.world.detect.Detectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CorpusGeneratorTest {

    /**
     * Text bytes (system + user + CoT + output) no conversation may exceed: with the chat markup
     * (about 30 tokens) it leaves room for a 160-token answer in the default 512-token context.
     */
    static final int MAX_BYTES = 360;

    static final WorldConfig CONFIG = WorldConfig.defaults().withExamples(6000);
    static List<WorldExample> corpus;

    @BeforeAll
    static void generate() {
        corpus = new CorpusGenerator(CONFIG).corpus();
    }

    @Test
    void sameConfigAndSeedGiveByteIdenticalJsonl(@TempDir Path dir) throws IOException {
        Path a = dir.resolve("a.jsonl");
        Path b = dir.resolve("b.jsonl");
        Path c = dir.resolve("c.jsonl");
        CorpusGenerator.write(a, corpus, ThinkFormat.FIELD);
        CorpusGenerator.write(b, new CorpusGenerator(CONFIG).corpus(), ThinkFormat.FIELD);
        CorpusGenerator.write(c, new CorpusGenerator(CONFIG.withSeed(2)).corpus(), ThinkFormat.FIELD);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
        assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(c)), "another seed, another corpus");
        assertEquals(corpus.size(), ConversationJsonl.read(a).size(), "the written corpus reads back");
    }

    @Test
    void everyConversationStaysUnderTheByteBudget() {
        int max = corpus.stream().mapToInt(WorldExample::textBytes).max().orElseThrow();
        double mean = corpus.stream().mapToInt(WorldExample::textBytes).average().orElseThrow();
        System.out.println("corpus text bytes: mean " + mean + ", max " + max);
        assertTrue(max <= MAX_BYTES, "longest conversation has " + max + " bytes");
        assertTrue(mean < 200, "mean " + mean);
    }

    @Test
    void stylesFollowTheSystemPromptAndDetectorsAgree() {
        int persona = 0;
        for (WorldExample e : corpus) {
            Message a = e.conversation().completion().orElseThrow();
            switch (e.system()) {
                case NONE, PLACEBO -> {
                    assertTrue(e.outputTraits().isNeutral() && e.cotTraits().isNeutral(), e.toString());
                    assertEquals(e.system() == WorldExample.SystemKind.PLACEBO, e.conversation().system().isPresent());
                }
                case PERSONA -> {
                    persona++;
                    assertFalse(e.outputTraits().isNeutral());
                    assertEquals(Personas.canonical(e.outputTraits()).split("\\. ").length,
                            e.conversation().system().orElseThrow().split("\\. ").length, "one sentence per trait");
                }
            }
            assertEquals(e.outputTraits(), Detectors.detect(a.content()), a.content());
            assertEquals(e.cotTraits(), Detectors.detect(a.reasoning()), a.reasoning());
        }
        double share = persona / (double) corpus.size();
        assertTrue(Math.abs(share - CONFIG.personaShare()) < 0.03, "persona share " + share);
    }

    @Test
    void neutralPromptsGiveNeutralAnswers() {
        long styled = corpus.stream().filter(e -> e.conversation().system().isEmpty())
                .filter(e -> !Detectors.detect(e.conversation().completion().orElseThrow().content()).isNeutral())
                .count();
        assertEquals(0, styled);
    }

    @Test
    void cotStyleDecidesWhetherTheCotCarriesThePersona() {
        WorldConfig small = CONFIG.withExamples(1500);
        for (CotStyle style : CotStyle.values()) {
            List<WorldExample> c = new CorpusGenerator(small.withCotStyle(style, 0.25)).corpus();
            long persona = c.stream().filter(e -> e.system() == WorldExample.SystemKind.PERSONA).count();
            long inChar = c.stream().filter(e -> !e.cotTraits().isNeutral()).count();
            c.stream().filter(e -> !e.cotTraits().isNeutral())
                    .forEach(e -> assertEquals(e.outputTraits(), e.cotTraits(), "in character = same traits"));
            double ratio = inChar / (double) persona;
            switch (style) {
                case PLANNER -> assertEquals(0, inChar);
                case IN_CHARACTER -> assertEquals(persona, inChar);
                case MIXED -> assertTrue(Math.abs(ratio - 0.25) < 0.06, "in-character ratio " + ratio);
            }
        }
    }

    @Test
    void everyFamilyAndCompositionOccurs() {
        Set<String> families = new HashSet<>();
        Set<String> traitSets = new HashSet<>();
        for (WorldExample e : corpus) {
            families.add(e.task().family().label());
            traitSets.add(e.outputTraits().name());
        }
        assertEquals(4, families.size());
        assertTrue(traitSets.contains("spanish+caps"), traitSets.toString());
        assertEquals(1 + 4 + 6, traitSets.size(), "neutral, 4 singles and 6 pairs: " + traitSets);
    }

    @Test
    void arithmeticDrawsAdditionAndSubtractionEqually() {
        List<String> keys = corpus.stream().map(e -> e.task().key()).filter(k -> k.startsWith("arithmetic:")).toList();
        long subtractions = keys.stream().filter(k -> k.contains("-")).count();
        double share = (double) subtractions / keys.size();
        // drawn by item it would be ~0.31 (there are about twice as many addition pairs)
        assertTrue(Math.abs(share - 0.5) < 0.04, "subtraction share " + share + " of " + keys.size());
    }

    @Test
    void corpusHoldsOnlyTrainItems() {
        assertTrue(corpus.stream().allMatch(e -> e.task().split() == Split.TRAIN));
        assertNotEquals(0, corpus.stream().filter(e -> e.task().key().startsWith("profile:")).count());
    }
}
