package org.charlab.world;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.PreferencePairJsonl;
import org.charlab.data.PromptItemJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.world.detect.Detectors;
import org.charlab.world.detect.TraitDetector;
import org.charlab.world.detect.WellFormedScorer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Pins the bytes charworld produces: base corpora, character-training data, persona prompts,
 * evaluation prompt sets, detector scores and the well-formedness lexicon. The digests were computed
 * from the code before each trait became one unit (issue 14); a change to a rendering, a prompt, a
 * detector or the order of random draws changes one of them, and with it every stage key and
 * every result downstream.
 */
class WorldPinTest {

    /** The default settings with every trait composable and every CoT in character. */
    static final WorldConfig ALL_TRAITS;

    static {
        WorldConfig d = WorldConfig.defaults();
        ALL_TRAITS = new WorldConfig(1200, 7, d.arithmeticWeight(), d.lookupWeight(), d.adviceWeight(),
                d.comparisonWeight(), d.lookupFactShare(), 0.8, 0.1, d.traits(), 4, CotStyle.IN_CHARACTER, 0.5,
                d.oodFamily(), d.arithmeticMax(), d.kbEntities(), d.testShare());
    }

    @Test
    void baseCorporaAreByteIdentical(@TempDir Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (WorldConfig c : List.of(WorldConfig.defaults().withExamples(1500), ALL_TRAITS,
                WorldConfig.defaults().withExamples(800).withCotStyle(CotStyle.PLANNER, 0))) {
            Path f = dir.resolve("corpus.jsonl");
            CorpusGenerator.write(f, new CorpusGenerator(c).corpus(), ThinkFormat.FIELD);
            md.update(Files.readAllBytes(f));
        }
        assertEquals("f88b3368bec1bfb22e8c1a0d9b7736f248f466a2dcf1908b4e9bb46dc220ecdf", hex(md));
    }

    @Test
    void characterDataIsByteIdentical(@TempDir Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        Charworld world = new Charworld(WorldConfig.defaults());
        for (String traits : List.of("spanish+caps", "pirate", "cheerful+caps", "spanish+caps+pirate+cheerful")) {
            for (CharacterData.Cot cot : CharacterData.Cot.values()) {
                Path f = dir.resolve("data.jsonl");
                CorpusGenerator.write(f, CharacterData.sft(world, TraitSet.parse(traits), cot, 150, 3), ThinkFormat.FIELD);
                md.update(Files.readAllBytes(f));
                PreferencePairJsonl.write(f, CharacterData.dpo(world, TraitSet.parse(traits), cot, 150, 4), ThinkFormat.FIELD);
                md.update(Files.readAllBytes(f));
            }
        }
        assertEquals("c65035013ac836f9bf70daa1b4e16ac634ede899844e74e281dc11919539cf5c", hex(md));
    }

    @Test
    void personaPromptsAndEvalSetsAreByteIdentical(@TempDir Path dir) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SplittableRandom rng = new SplittableRandom(11);
        for (TraitSet s : TraitSet.compositions(List.of(Trait.values()), Trait.values().length)) {
            md.update((s.name() + "\n" + Personas.canonical(s) + "\n" + Personas.prompt(s, rng) + "\n"
                    + Personas.placebo(rng) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        Charworld world = new Charworld(WorldConfig.defaults());
        Path f = dir.resolve("prompts.jsonl");
        PromptItemJsonl.write(f, EvalSets.inDistribution(world, 20, 5));
        md.update(Files.readAllBytes(f));
        PromptItemJsonl.write(f, EvalSets.outOfDistribution(world, 20, 5));
        md.update(Files.readAllBytes(f));
        assertEquals("2d0add60c6ad7e0eca6b4e01d4b4c813fe46280bfc70590ec504a2247a91e5e8", hex(md));
    }

    @Test
    void detectorScoresAndTheLexiconAreUnchanged() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        WellFormedScorer wf = new WellFormedScorer(new Charworld(WorldConfig.defaults()));
        md.update(String.join(" ", wf.lexicon()).getBytes(StandardCharsets.UTF_8));
        for (WorldExample e : new CorpusGenerator(ALL_TRAITS).corpus()) {
            var m = e.conversation().completion().orElseThrow();
            for (String text : new String[] {m.reasoning(), m.content(), m.content().substring(0, m.content().length() / 2)}) {
                StringBuilder sb = new StringBuilder();
                for (TraitDetector d : Detectors.all()) {
                    sb.append(d.trait().label()).append('=').append(d.score(text)).append(' ');
                }
                sb.append(Detectors.detect(text).name()).append(' ').append(wf.score(text)).append('\n');
                md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        assertEquals("203146d30d0d17d06e5ab93553391887b6a9a8a0be73b0b08c3af217b878f92e", hex(md));
    }

    private static String hex(MessageDigest md) {
        return HexFormat.of().formatHex(md.digest());
    }
}
