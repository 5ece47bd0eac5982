package org.charlab.model;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.charlab.BadInput;

/**
 * The embedded default tokenizer: ids 0..255 are the UTF-8 bytes of the text, followed by the
 * special tokens {@code <|im_start|>}=256, {@code <|im_end|>}=257, {@code <think>}=258,
 * {@code </think>}=259, {@code <|endoftext|>}=260, {@code <|pad|>}=261. The id space is rounded up
 * to {@link #VOCAB_SIZE}=264 (a multiple of 8); 262 and 263 are unused. Plain text never produces
 * a special id, even if it literally contains "&lt;think&gt;".
 */
public final class ByteTokenizer implements Tokenizer {

    public static final List<String> SPECIALS = List.of(IM_START, IM_END, THINK, THINK_END, END_OF_TEXT, PAD);
    public static final int VOCAB_SIZE = 264;

    @Override
    public int[] encode(String text) {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[b.length];
        for (int i = 0; i < b.length; i++) {
            ids[i] = b[i] & 0xFF;
        }
        return ids;
    }

    /** Bytes are collected and decoded together, so multi-byte characters split over tokens survive. */
    @Override
    public String decode(int[] ids) {
        StringBuilder sb = new StringBuilder();
        ByteArrayOutputStream pending = new ByteArrayOutputStream();
        for (int id : ids) {
            if (id >= 0 && id < 256) {
                pending.write(id);
                continue;
            }
            if (pending.size() > 0) {
                sb.append(pending.toString(StandardCharsets.UTF_8));
                pending.reset();
            }
            int s = id - 256;
            sb.append(s >= 0 && s < SPECIALS.size() ? SPECIALS.get(s) : "");
        }
        if (pending.size() > 0) {
            sb.append(pending.toString(StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    @Override
    public int vocabSize() {
        return VOCAB_SIZE;
    }

    @Override
    public int specialId(String token) {
        int i = SPECIALS.indexOf(token);
        if (i < 0) {
            throw new BadInput("byte tokenizer has no special token '" + token + "'; it has " + SPECIALS);
        }
        return 256 + i;
    }

    @Override
    public boolean isSpecial(int id) {
        return id >= 256;
    }

    @Override
    public int padId() {
        return specialId(PAD);
    }

    @Override
    public String describe() {
        return "byte";
    }
}
