package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Qwen3's real tokenizer.json, fetched outside git by .ci/fetch-test-assets.sh (absent: fails under CI, else skips). */
class HfTokenizerTest {

    static HfTokenizer tok;

    static Path assets() {
        String env = System.getenv("CHARLAB_TEST_ASSETS");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "charlab", "test-assets");
    }

    @BeforeAll
    static void load() {
        Path f = assets().resolve("qwen3/tokenizer.json");
        Prerequisite.require(Files.isRegularFile(f),
                "Qwen3 tokenizer.json absent at " + f + "; run .ci/fetch-test-assets.sh");
        tok = HfTokenizer.load(f);
    }

    @AfterAll
    static void close() {
        if (tok != null) {
            tok.close();
        }
    }

    @Test
    void knownSpecialTokenIds() {
        assertEquals(151643, tok.specialId("<|endoftext|>"));
        assertEquals(151644, tok.specialId("<|im_start|>"));
        assertEquals(151645, tok.specialId("<|im_end|>"));
        assertEquals(151667, tok.specialId("<think>"));
        assertEquals(151668, tok.specialId("</think>"));
        assertEquals(151643, tok.padId());
        assertTrue(tok.vocabSize() >= 151669);
    }

    @Test
    void noTruncationNoImplicitSpecials() {
        String longText = "word ".repeat(3000);
        int[] ids = tok.encode(longText);
        assertTrue(ids.length > 2000, "truncated to " + ids.length);
        assertEquals(longText, tok.decode(ids));
        int[] hello = tok.encode("Hello");
        assertEquals(1, hello.length, "no BOS/EOS added");
    }

    @Test
    void formatsAConversationWithAddedTokenIds() {
        ChatFormat chat = new ChatMlFormat(tok);
        Conversation c = Conversation.of(Message.system("Be brief."), Message.user("Hi there"),
                Message.assistant("The user greets me.", "Hello! ¿Qué tal? 🙂"));
        FormattedChat f = chat.format(c);
        assertEquals(151644, f.ids()[0]);
        String text = tok.decode(f.ids());
        assertEquals("<|im_start|>system\nBe brief.<|im_end|>\n<|im_start|>user\nHi there<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\nThe user greets me.\n</think>\n\nHello! ¿Qué tal? 🙂<|im_end|>\n", text);
        long specials = java.util.Arrays.stream(f.ids()).filter(id -> id == 151667 || id == 151668).count();
        assertEquals(2, specials);
        StringBuilder out = new StringBuilder();
        java.util.List<Integer> outIds = new java.util.ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            if (f.segments()[i] == Segment.OUTPUT) {
                outIds.add(f.ids()[i]);
            }
        }
        out.append(tok.decode(outIds.stream().mapToInt(Integer::intValue).toArray()));
        assertEquals("Hello! ¿Qué tal? 🙂", out.toString());
        int assistantStart = text.lastIndexOf("<|im_start|>assistant\n") + "<|im_start|>assistant\n".length();
        AssistantText a = ChatFormat.parseAssistant(text.substring(assistantStart, text.lastIndexOf("<|im_end|>")));
        assertEquals("The user greets me.", a.cot());
        assertEquals("Hello! ¿Qué tal? 🙂", a.output());
    }

    /** A (random) model over Qwen3's vocabulary: generation and checkpoints work with the HF tokenizer. */
    @Test
    void generatesAndCheckpointsWithTheHfTokenizer(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
        TestModels.oneThread();
        ModelConfig cfg = new ModelConfig("qwen3", 16, 1, 2, 1, 8, 32, 1_000_000.0, 1e-6, 151936, 128, true, false,
                true);
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager();
                Decoder d = Decoder.init(cfg, m, 1)) {
            ChatFormat chat = new ChatMlFormat(tok);
            java.util.List<org.charlab.generate.Sample> s = new org.charlab.generate.Generator(d, chat).generate(
                    java.util.List.of(Conversation.of(Message.user("Hi"))), ChatFormat.Prefill.cot("Hmm"),
                    org.charlab.generate.SamplingParams.sampled(1.0, 0.9, 4, 3));
            assertEquals(chat.prompt(Conversation.of(Message.user("Hi")), ChatFormat.Prefill.cot("Hmm")).length(),
                    s.get(0).promptTokens());
            assertTrue(s.get(0).cot().startsWith("Hmm"), s.get(0).cot());
            Checkpoint.save(tmp.resolve("q"), d, tok, java.util.Map.of());
            try (Checkpoint.Loaded l = Checkpoint.load(tmp.resolve("q"), m)) {
                assertTrue(l.tokenizer() instanceof HfTokenizer);
                assertEquals(151644, l.tokenizer().specialId("<|im_start|>"));
            }
        }
    }
}
