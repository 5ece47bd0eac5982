package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.Setting;

/**
 * The shape of a decoder trained from scratch, under Hugging Face config.json names, and its
 * vocabulary: charlab's byte tokenizer or a BPE learned on the corpus. Defaults: the tiny preset
 * (ModelConfig.tiny's layers, ~0.9M parameters with the 1,024-id BPE).
 */
@Doc("Shape and vocabulary of a decoder pretrained from scratch (HF config.json names).")
public record ModelShape(
        @Setting(doc = "Architecture: llama, mistral (as llama: no sliding window from scratch), "
                + "qwen2 (q/k/v bias), qwen3 (q/k RMSNorm) or gemma3_text (GeGLU, (1 + w) sandwich norms, "
                + "scaled embeddings, q/k RMSNorm; full attention on every layer).", def = "llama")
        String modelType,
        @Setting(doc = "Width of the residual stream (d).", def = "128", min = 8)
        int hiddenSize,
        @Setting(doc = "Decoder layers.", def = "4", min = 1)
        int numHiddenLayers,
        @Setting(doc = "Query heads.", def = "4", min = 1)
        int numAttentionHeads,
        @Setting(doc = "Key/value heads (grouped-query attention); divides num_attention_heads.", def = "2", min = 1)
        int numKeyValueHeads,
        @Setting(doc = "Width of one head (even, for rotary embeddings).", def = "32", min = 2)
        int headDim,
        @Setting(doc = "SwiGLU hidden width.", def = "352", min = 1)
        int intermediateSize,
        @Setting(doc = "Longest sequence (prompt + generation) the model handles.", def = "512", min = 16)
        int maxPositionEmbeddings,
        @Setting(doc = "Rotary embedding base.", def = "10000.0", min = 1)
        double ropeTheta,
        @Setting(doc = "Share the input embedding with the output head.", def = "true")
        boolean tieWordEmbeddings,
        @Setting(doc = "Vocabulary: bpe (learned on the pretraining corpus, written as tokenizer.json) or byte.",
                def = "bpe")
        TokenizerKind tokenizer,
        @Setting(doc = "Ids of the BPE vocabulary: 256 bytes + learned merges + 6 chat markers. Ignored by the "
                + "byte tokenizer (264 ids).", def = "1024", min = 262)
        int vocabSize) {
}
