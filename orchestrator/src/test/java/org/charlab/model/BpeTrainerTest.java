package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.world.CorpusGenerator;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A BPE learned on charworld, loaded into the HF (Rust) tokenizer through {@link HfTokenizer}. */
class BpeTrainerTest {

    static List<String> texts = new ArrayList<>();
    static List<Conversation> convs = new ArrayList<>();

    @BeforeAll
    static void corpus() {
        for (WorldExample e : new CorpusGenerator(WorldConfig.defaults().withExamples(2000)).corpus()) {
            convs.add(e.conversation());
            for (Message m : e.conversation().messages()) {
                texts.add(m.content());
                if (m.reasoning() != null) {
                    texts.add(m.reasoning());
                }
            }
        }
    }

    static HfTokenizer learn(Path dir, int vocab) throws Exception {
        Path f = dir.resolve("tokenizer.json");
        BpeTrainer.write(f, BpeTrainer.train(texts, vocab, ByteTokenizer.SPECIALS.size()), ByteTokenizer.SPECIALS);
        return HfTokenizer.load(f);
    }

    @Test
    void learnedFileLoadsRoundTripsAndCompresses(@TempDir Path dir) throws Exception {
        try (HfTokenizer tok = learn(dir, 1024)) {
            assertEquals(1024, tok.vocabSize());
            long chars = 0;
            long tokens = 0;
            for (String t : texts) {
                int[] ids = tok.encode(t);
                assertEquals(t, tok.decode(ids), "round trip");
                chars += t.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                tokens += ids.length;
            }
            double ratio = chars / (double) tokens;
            System.out.println("charworld bytes per BPE token: " + ratio);
            assertTrue(ratio > 2.5, "a corpus-trained vocabulary compresses its own corpus: " + ratio);
            // text the corpus never saw still encodes, byte-exact, through the 256 byte ids
            for (String t : List.of("Привет, мир! 你好 🙂 naïve café", "  two  spaces\tand\ttabs\n\nnewlines ",
                    "'s 'LL ĠĠ <think> literal", "")) {
                assertEquals(t, tok.decode(tok.encode(t)));
            }
        }
    }

    @Test
    void digitsStayOneTokenEachAndSpecialsAreTheChatMarkers(@TempDir Path dir) throws Exception {
        try (HfTokenizer tok = learn(dir, 1024)) {
            for (int id : tok.encode("Ones: 12 + 19 = 31, carry 1. 2026 apples")) {
                String piece = tok.decode(new int[] {id});
                assertTrue(!piece.matches(".*[0-9].*") || piece.matches("[0-9]"), "a digit shares a token: '" + piece + "'");
            }
            for (int i = 0; i < 10; i++) {
                assertEquals(1, tok.encode(Integer.toString(i)).length);
            }
            for (int i = 0; i < ByteTokenizer.SPECIALS.size(); i++) {
                int id = tok.specialId(ByteTokenizer.SPECIALS.get(i));
                assertEquals(1024 - ByteTokenizer.SPECIALS.size() + i, id);
                assertTrue(tok.isSpecial(id));
            }
            // a formatted conversation labels its tokens by segment exactly: the output tokens decode to the output
            ChatFormat chat = new ChatMlFormat(tok);
            Conversation c = convs.get(1);
            Message reply = c.messages().get(c.messages().size() - 1);
            FormattedChat f = chat.format(c);
            assertEquals(reply.content(), tok.decode(segment(f, Segment.OUTPUT)));
            assertEquals(reply.reasoning(), tok.decode(segment(f, Segment.COT)).strip());
        }
    }

    @Test
    void sameCorpusSameFile(@TempDir Path dir) throws Exception {
        Path a = dir.resolve("a/tokenizer.json");
        Path b = dir.resolve("b/tokenizer.json");
        BpeTrainer.write(a, BpeTrainer.train(texts, 600, 6), ByteTokenizer.SPECIALS);
        BpeTrainer.write(b, BpeTrainer.train(new ArrayList<>(texts), 600, 6), ByteTokenizer.SPECIALS);
        assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b));
    }

    private static int[] segment(FormattedChat f, Segment which) {
        return java.util.stream.IntStream.range(0, f.length()).filter(i -> f.segments()[i] == which)
                .map(i -> f.ids()[i]).toArray();
    }
}
