package org.charlab.model;

/**
 * Text to token ids and back. {@link #encode} takes plain text and adds no implicit special tokens
 * (BOS/EOS); the chat markers are inserted by {@link ChatFormat} through {@link #specialId}.
 */
public interface Tokenizer {

    String IM_START = "<|im_start|>";
    String IM_END = "<|im_end|>";
    String THINK = "<think>";
    String THINK_END = "</think>";
    String END_OF_TEXT = "<|endoftext|>";
    String PAD = "<|pad|>";

    /** Token ids of plain text; no truncation, no BOS/EOS. */
    int[] encode(String text);

    /** Text of the ids; special tokens are rendered as their literal text ({@code <|im_end|>}). */
    String decode(int[] ids);

    /** Size of the id space (the model's vocab_size must be at least this). */
    int vocabSize();

    /** Id of a special token such as {@link #IM_START}; BadInput when this tokenizer lacks it. */
    int specialId(String token);

    /** Whether {@code id} is a special (added) token rather than text. */
    boolean isSpecial(int id);

    /** The id used to pad batches (never trained on, never attended to). */
    int padId();

    /** A short description for provenance ("byte", "hf:/path/tokenizer.json"). */
    String describe();

    /**
     * End-of-sequence ids the checkpoint this tokenizer came from declares ({@link EosTokens});
     * generation stops on them as well as on the chat format's own end tokens. Empty by default.
     */
    default int[] eosIds() {
        return new int[0];
    }

    /**
     * Whether {@code id} is a byte-fallback token ({@code <0xNN>} of a sentencepiece-style BPE): its
     * text depends on the byte tokens around it, since a run of them is decoded as one UTF-8 string
     * and every byte of an invalid run shows as U+FFFD. False by default.
     */
    default boolean isByteFallback(int id) {
        return false;
    }
}
