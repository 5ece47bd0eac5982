package org.charlab.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Trains a byte-level BPE vocabulary on a corpus (Sennrich et al. 2016, in GPT-2's byte-level form)
 * and writes it as a Hugging Face {@code tokenizer.json} that {@link HfTokenizer} loads, so a model
 * pretrained from scratch ships a standard tokenizer file like any HF checkpoint.
 *
 * <p>The file mirrors Qwen2/Qwen3's: the same pre-tokenizer regex (words with their leading space,
 * every digit alone, so arithmetic stays digit by digit), byte-level mapping, no normalizer (text
 * round-trips byte-exact), and the chat markers as special added tokens after the learned ids.
 * Ids: 0-255 the 256 bytes (any text encodes), then one id per merge, then the specials.
 *
 * <p>Training counts pre-tokens once, then repeats: merge the most frequent adjacent pair (ties to
 * the lexicographically smallest pair, so the result depends only on the corpus). Written here
 * rather than taken from a library because DJL's tokenizers binding loads and runs tokenizers but
 * does not train them; the algorithm is a few dozen lines and its output is checked by loading it
 * into the Rust implementation ({@code BpeTrainerTest}).
 */
public final class BpeTrainer {

    /** Qwen2/Qwen3's pre-tokenizer split (tokenizer.json, pre_tokenizer.pretokenizers[0]). */
    public static final String SPLIT_REGEX = "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}"
            + "| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    private static final Pattern SPLIT = Pattern.compile(SPLIT_REGEX);
    private static final char[] BYTE_CHAR = byteChars();

    private BpeTrainer() {
    }

    /** The learned vocabulary: token strings in id order (bytes first) and the merges in rank order. */
    public record Vocab(List<String> tokens, List<String[]> merges) {
    }

    /**
     * Learns merges from {@code texts} until the vocabulary (bytes + merges + {@code specials}) has
     * {@code vocabSize} ids, or no pair occurs twice.
     */
    public static Vocab train(Iterable<String> texts, int vocabSize, int specials) {
        if (vocabSize < 256 + specials) {
            throw new IllegalArgumentException("vocab_size " + vocabSize + " < 256 bytes + " + specials + " specials");
        }
        // pre-token (as byte chars) -> count
        Map<String, Integer> counts = new HashMap<>();
        for (String text : texts) {
            Matcher m = SPLIT.matcher(text);
            while (m.find()) {
                counts.merge(byteLevel(m.group()), 1, Integer::sum);
            }
        }
        List<String[]> words = new ArrayList<>(counts.size());
        List<Integer> freq = new ArrayList<>(counts.size());
        counts.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String w = e.getKey();
            String[] symbols = new String[w.length()];
            for (int i = 0; i < w.length(); i++) {
                symbols[i] = String.valueOf(w.charAt(i));
            }
            words.add(symbols);
            freq.add(e.getValue());
        });

        List<String> tokens = new ArrayList<>(vocabSize);
        for (char c : BYTE_CHAR) {
            tokens.add(String.valueOf(c));
        }
        List<String[]> merges = new ArrayList<>();
        while (tokens.size() + specials < vocabSize) {
            Map<String, long[]> pairs = new HashMap<>(); // "left\u0000right" -> count
            for (int w = 0; w < words.size(); w++) {
                String[] s = words.get(w);
                for (int i = 0; i + 1 < s.length; i++) {
                    pairs.computeIfAbsent(s[i] + '\u0000' + s[i + 1], k -> new long[1])[0] += freq.get(w);
                }
            }
            String best = null;
            long bestCount = 1; // a pair seen once is not worth an id
            for (Map.Entry<String, long[]> e : pairs.entrySet()) {
                long c = e.getValue()[0];
                if (c > bestCount || (c == bestCount && best != null && e.getKey().compareTo(best) < 0)) {
                    best = e.getKey();
                    bestCount = c;
                }
            }
            if (best == null) {
                break;
            }
            String left = best.substring(0, best.indexOf('\u0000'));
            String right = best.substring(best.indexOf('\u0000') + 1);
            merges.add(new String[] {left, right});
            tokens.add(left + right);
            for (int w = 0; w < words.size(); w++) {
                words.set(w, apply(words.get(w), left, right));
            }
        }
        return new Vocab(tokens, merges);
    }

    /** Writes {@code vocab} plus {@code specials} (ids after the learned tokens) as tokenizer.json. */
    public static void write(Path file, Vocab vocab, List<String> specials) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("version", "1.0");
        root.put("truncation", null);
        root.put("padding", null);
        List<Map<String, Object>> added = new ArrayList<>();
        for (int i = 0; i < specials.size(); i++) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("id", vocab.tokens().size() + i);
            t.put("content", specials.get(i));
            t.put("single_word", false);
            t.put("lstrip", false);
            t.put("rstrip", false);
            t.put("normalized", false);
            t.put("special", true);
            added.add(t);
        }
        root.put("added_tokens", added);
        root.put("normalizer", null);
        Map<String, Object> split = new LinkedHashMap<>();
        split.put("type", "Split");
        split.put("pattern", Map.of("Regex", SPLIT_REGEX));
        split.put("behavior", "Isolated");
        split.put("invert", false);
        root.put("pre_tokenizer", Map.of("type", "Sequence", "pretokenizers", List.of(split, byteLevel())));
        root.put("post_processor", null);
        root.put("decoder", byteLevel());
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("type", "BPE");
        model.put("dropout", null);
        model.put("unk_token", null);
        model.put("continuing_subword_prefix", "");
        model.put("end_of_word_suffix", "");
        model.put("fuse_unk", false);
        model.put("byte_fallback", false);
        model.put("ignore_merges", false);
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (int i = 0; i < vocab.tokens().size(); i++) {
            ids.put(vocab.tokens().get(i), i);
        }
        model.put("vocab", ids);
        model.put("merges", vocab.merges());
        root.put("model", model);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, new ObjectMapper().disable(SerializationFeature.INDENT_OUTPUT)
                .writeValueAsString(root), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> byteLevel() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("type", "ByteLevel");
        m.put("add_prefix_space", false);
        m.put("trim_offsets", false);
        m.put("use_regex", false);
        return m;
    }

    private static String[] apply(String[] s, String left, String right) {
        int n = 0;
        String[] out = null;
        for (int i = 0; i < s.length; i++) {
            if (i + 1 < s.length && s[i].equals(left) && s[i + 1].equals(right)) {
                if (out == null) {
                    out = new String[s.length - 1];
                    System.arraycopy(s, 0, out, 0, i);
                    n = i;
                }
                out[n++] = left + right;
                i++;
            } else if (out != null) {
                out[n++] = s[i];
            }
        }
        return out == null ? s : java.util.Arrays.copyOf(out, n);
    }

    /** UTF-8 bytes of {@code text} as GPT-2's printable byte characters. */
    static String byteLevel(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        char[] c = new char[b.length];
        for (int i = 0; i < b.length; i++) {
            c[i] = BYTE_CHAR[b[i] & 0xff];
        }
        return new String(c);
    }

    /** GPT-2's bytes_to_unicode: printable bytes map to themselves, the rest to 256 + n. */
    private static char[] byteChars() {
        char[] out = new char[256];
        int n = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? (char) b : (char) (256 + n++);
        }
        return out;
    }
}
