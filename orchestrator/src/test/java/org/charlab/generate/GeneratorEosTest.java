package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.HfTokenizer;
import org.charlab.model.ModelConfig;
import org.charlab.model.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generation stops on the checkpoint's own end-of-sequence ids (Tokenizer#eosIds), and they survive a save. */
class GeneratorEosTest {

    static {
        org.charlab.model.TestModels.oneThread();
    }

    static NDManager manager;
    static Decoder model;
    static final List<Conversation> PROMPT = List.of(Conversation.of(Message.user("Where is the harbour?")));

    @TempDir
    Path dir;

    @BeforeAll
    static void setUp() {
        manager = NDManager.newBaseManager();
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 256,
                false, false, true);
        model = Decoder.init(cfg, manager, 21);
        org.charlab.model.TestModels.sharpened(model);
    }

    @AfterAll
    static void tearDown() {
        manager.close();
    }

    /** The byte tokenizer with a checkpoint's declared end ids. */
    record WithEos(ByteTokenizer t, int[] eos) implements Tokenizer {
        public int[] encode(String text) { return t.encode(text); }
        public String decode(int[] ids) { return t.decode(ids); }
        public int vocabSize() { return t.vocabSize(); }
        public int specialId(String token) { return t.specialId(token); }
        public boolean isSpecial(int id) { return t.isSpecial(id); }
        public int padId() { return t.padId(); }
        public String describe() { return t.describe(); }
        public int[] eosIds() { return eos.clone(); }
    }

    static Sample greedy(int... eos) {
        return new Generator(model, new ChatMlFormat(new WithEos(new ByteTokenizer(), eos)))
                .generate(PROMPT, ChatFormat.Prefill.none(), SamplingParams.greedy(16)).get(0);
    }

    @Test
    void everyDeclaredIdStopsAGreedySampleAtItsFirstOccurrence() {
        Sample free = new Generator(model, new ChatMlFormat(new ByteTokenizer())).withoutStops()
                .generate(PROMPT, ChatFormat.Prefill.none(), SamplingParams.greedy(16)).get(0);
        int[] g = free.tokens();
        assertEquals(16, g.length);
        // three distinct ids of the free greedy path, in the order of a generation_config list
        int[] list = IntStream.of(g).distinct().limit(3).toArray();
        assertEquals(3, list.length, "greedy path too repetitive for the test: " + Arrays.toString(g));
        for (int id : list) {
            int first = IntStream.range(0, g.length).filter(i -> g[i] == id).findFirst().getAsInt();
            Sample s = greedy(1000, id); // an id never sampled, then the stopping one
            assertEquals(Sample.StopReason.STOP, s.stopReason(), "id " + id);
            assertEquals(first + 1, s.newTokens(), "id " + id);
            assertArrayEquals(Arrays.copyOf(g, first + 1),
                    s.tokens());
        }
        Sample all = greedy(list[2], list[0], list[1]);
        assertEquals(1, all.newTokens(), "the whole list stops at the earliest member");
    }

    @Test
    void noDeclaredIdsKeepTheChatFormatStopsAsBefore() {
        Generator plain = new Generator(model, new ChatMlFormat(new ByteTokenizer()));
        ByteTokenizer bt = new ByteTokenizer();
        assertArrayEquals(new int[] {bt.specialId(Tokenizer.IM_END), bt.specialId(Tokenizer.END_OF_TEXT)},
                plain.stopIds());
        int imEnd = bt.specialId(Tokenizer.IM_END);
        assertArrayEquals(plain.stopIds(), new Generator(model, new ChatMlFormat(new WithEos(bt, new int[] {imEnd})))
                .stopIds(), "a declared id already stopping is not added twice");
        assertArrayEquals(new int[] {plain.stopIds()[0], plain.stopIds()[1], 77},
                new Generator(model, new ChatMlFormat(new WithEos(bt, new int[] {77}))).stopIds());
    }

    static final String TOKENIZER = """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": 0, "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                               "rstrip": false, "normalized": false, "special": true}],
             "normalizer": null, "pre_tokenizer": {"type": "Whitespace"}, "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "vocab": {"<|endoftext|>": 0, "a": 1, "b": 2, "<eot>": 3},
                       "unk_token": "a"}}
            """;

    @Test
    void hfTokenizerReadsTheDirectoryAndASavedCheckpointKeepsTheIds() throws IOException {
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.writeString(src.resolve("tokenizer.json"), TOKENIZER);
        try (HfTokenizer none = HfTokenizer.load(src)) {
            assertArrayEquals(new int[0], none.eosIds(), "no generation_config/config/tokenizer_config: none");
        }
        Files.writeString(src.resolve("tokenizer_config.json"), "{\"eos_token\": \"<eot>\"}");
        try (HfTokenizer t = HfTokenizer.load(src)) {
            assertArrayEquals(new int[] {3}, t.eosIds(), "eos_token resolved through tokenizer.json's vocab");
        }
        Files.writeString(src.resolve("generation_config.json"), "{\"eos_token_id\": [3, 2]}");
        try (HfTokenizer t = HfTokenizer.load(src)) {
            assertArrayEquals(new int[] {3, 2}, t.eosIds());
            Path saved = dir.resolve("saved");
            Checkpoint.save(saved, model, t, Map.of("stage", "sft"));
            assertEquals("[3,2]", new ObjectMapper().readTree(saved.resolve("charlab.json").toFile())
                    .path("eos_token_id").toString());
            assertTrue(!Files.exists(saved.resolve("generation_config.json")));
            try (HfTokenizer again = HfTokenizer.load(saved)) {
                assertArrayEquals(new int[] {3, 2}, again.eosIds(), "a later stage stops where the base did");
            }
        }
    }
}
