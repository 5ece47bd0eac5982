package org.charlab.generate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.HfTokenizer;
import org.charlab.model.Tokenizer;
import org.charlab.testing.Prerequisite;
import org.charlab.testing.RealModel;
import org.junit.jupiter.api.Test;

class TokenTextTest {

    static final String MIXED = "Once upon a time, a café in São Paulo served naïve crème brûlée 🙂🚀 日本語のテキスト, "
            + "Ελληνικά and \"quotes\"\n\nnew paragraph.";

    /** Streams ids one at a time; returns the pieces handed out (the last one from finish). */
    static List<String> pieces(Tokenizer tok, String prefix, int[] ids) {
        TokenText t = new TokenText(tok, prefix);
        List<String> out = new ArrayList<>();
        for (int id : ids) {
            out.add(t.push(id));
        }
        out.add(t.finish());
        return out;
    }

    /** Valid text split mid-character across tokens: no piece ever shows a replacement character, and all add up. */
    static void assertStreamsExactly(Tokenizer tok, String text) {
        int[] ids = tok.encode(text);
        List<String> got = pieces(tok, "<think>\n", ids);
        assertEquals("<think>\n" + tok.decode(ids), String.join("", got));
        assertEquals(text, tok.decode(ids), "the tokenizer round-trips the text");
        got.forEach(p -> assertFalse(p.contains("\uFFFD"), "a half character was shown: " + got));
        long nonEmpty = got.stream().filter(p -> !p.isEmpty()).count();
        assertTrue(nonEmpty > ids.length / 3, "streamed in many pieces, not at the end: " + nonEmpty + " of " + ids.length);
    }

    @Test
    void byteTokenizerHoldsBackSplitCharacters() {
        Tokenizer tok = new ByteTokenizer();
        assertStreamsExactly(tok, MIXED);
        // "é" is two byte tokens: nothing after the first, the character after the second
        TokenText t = new TokenText(tok, "");
        byte[] e = "é".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals("", t.push(e[0] & 0xff));
        assertEquals("é", t.push(e[1] & 0xff));
    }

    @Test
    void randomBytesStillAddUpToTheWholeDecode() {
        Tokenizer tok = new ByteTokenizer();
        SplittableRandom r = new SplittableRandom(3);
        for (int trial = 0; trial < 200; trial++) {
            int[] ids = r.ints(1 + r.nextInt(40), 0, tok.vocabSize()).toArray();
            assertEquals(tok.decode(ids), String.join("", pieces(tok, "", ids)), "trial " + trial);
        }
    }

    @Test
    void realModelsByteFallbackSentencepieceTokenizer() {
        Path hf = RealModel.hfDir();
        try (HfTokenizer tok = HfTokenizer.load(hf.resolve("tokenizer.json"))) {
            assertTrue(tok.isByteFallback(3) && tok.isByteFallback(258), "<0x00> and <0xFF> are byte-fallback tokens");
            assertFalse(tok.isByteFallback(0) || tok.isByteFallback(259), "<unk> and the first merge are not");
            assertStreamsExactly(tok, MIXED);
            SplittableRandom r = new SplittableRandom(5);
            for (int trial = 0; trial < 100; trial++) {
                int[] ids = r.ints(1 + r.nextInt(30), 3, tok.vocabSize()).toArray();
                assertEquals(tok.decode(ids), String.join("", pieces(tok, "", ids)), "trial " + trial);
            }
        }
    }

    @Test
    void qwen3ByteLevelBpeTokenizer() {
        String env = System.getenv("CHARLAB_TEST_ASSETS");
        Path f = (env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "charlab", "test-assets"))
                .resolve("qwen3/tokenizer.json");
        Prerequisite.require(Files.isRegularFile(f), "Qwen3 tokenizer.json absent at " + f + "; run .ci/fetch-test-assets.sh");
        try (HfTokenizer tok = HfTokenizer.load(f)) {
            assertFalse(tok.isByteFallback(tok.encode("<0x41>")[0]), "byte-level BPE has no byte-fallback tokens");
            assertStreamsExactly(tok, MIXED);
        }
    }
}
