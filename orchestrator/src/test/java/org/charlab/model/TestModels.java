package org.charlab.model;

/** Small configs shared by tests. */
public final class TestModels {

    private TestModels() {
    }

    /**
     * Tests run on one intra-op thread: the CI machine has 2 cores shared with other builds, and
     * PyTorch's spinning OpenMP workers slow down badly when oversubscribed.
     */
    public static void oneThread() {
        ai.djl.engine.Engine.getEngine("PyTorch");
        ai.djl.pytorch.jni.JniUtils.setNumThreads(1);
    }

    /**
     * Multiplies the projection and head weights of a random decoder by 6, so its greedy paths are varied
     * and not decided by near-ties (what generation tests need from an untrained model).
     */
    public static Decoder sharpened(Decoder d) {
        d.parameters().forEach((name, w) -> {
            if (name.endsWith("proj.weight") || name.equals("lm_head.weight")) {
                w.muli(6f);
            }
        });
        return d;
    }

    /**
     * A very small llama-style config (GQA 4 heads / 2 KV heads) for gradient checks. {@code
     * "gemma3_sliding"} is Gemma 3 with every option on: a window of 3 on layer 0, its own RoPE base
     * there, linear scaling on the full layer, query_pre_attn_scalar 6, logit soft-capping, biases.
     */
    public static ModelConfig micro(String arch, boolean tied) {
        if (arch.equals("gemma3_sliding")) {
            return new ModelConfig("gemma3_text", 16, 2, 4, 2, 4, 24, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 32, tied,
                    true, true, "gelu_pytorch_tanh", true, RopeScaling.linear(2.0), 3,
                    java.util.List.of(ModelConfig.SLIDING, ModelConfig.FULL), new ModelConfig.Gemma(100.0, 6, 5.0));
        }
        return new ModelConfig("llama", 16, 2, 4, 2, 4, 24, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 32, tied, false, false)
                .withArchitecture(arch);
    }
}
