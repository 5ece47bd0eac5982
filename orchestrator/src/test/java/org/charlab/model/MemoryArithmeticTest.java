package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** MemoryArithmetic's counts against real decoders and hand-computed values. */
class MemoryArithmeticTest {

    static List<ModelConfig> configs() {
        return List.of(
                ModelConfig.tiny(),
                ModelConfig.small25m(),
                // qwen3-like: q/k norm, untied head, 16 heads over 8 KV heads, head_dim 64 != d / heads
                new ModelConfig("llama", 256, 3, 16, 8, 64, 704, 1e6, 1e-6, 1000, 256, false, false, false)
                        .withArchitecture("qwen3"),
                // qwen2 GQA variant: q/k/v bias, 8 heads sharing 1 KV head
                new ModelConfig("llama", 128, 2, 8, 1, 16, 384, 1e4, 1e-6, 500, 128, true, false, false)
                        .withArchitecture("qwen2"),
                // llama with attention_bias (q/k/v and o_proj biases); Gemma 3 (sandwich norms, q/k norm)
                ModelConfig.read(java.nio.file.Path.of("src/test/resources/parity/llama_bias/config.json")),
                ModelConfig.read(java.nio.file.Path.of("src/test/resources/parity/gemma3_text/config.json")));
    }

    /** The count equals the number of scalars a freshly initialised Decoder of that config holds. */
    @ParameterizedTest
    @MethodSource("configs")
    void parameterCountMatchesARealDecoder(ModelConfig c) {
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(c, m, 1)) {
            long real = 0;
            for (NDArray p : d.parameters().values()) {
                real += p.size();
            }
            assertEquals(real, MemoryArithmetic.parameters(c), c.toString());
            assertEquals(real, c.parameterCount());
        }
    }

    @Test
    void handCountedTinyAndLora() {
        ModelConfig c = TestModels.micro("llama", true); // D 16, L 2, H 4, KV 2, hd 4, I 24, V 264
        // per layer: q 16x16 + k, v 2 x 8x16 + o 16x16 + 3 x 16x24 + 2 norms x 16 = 1952; embed 264x16; final norm 16
        assertEquals(264 * 16 + 2 * 1952 + 16, MemoryArithmetic.parameters(c));
        // LoRA r 2 on q (16 -> 16) and v (16 -> 8): 2 (16 + 16) + 2 (16 + 8) = 112 per layer
        assertEquals(2 * 112, MemoryArithmetic.trainable(c, new LoraShape(2, List.of("q_proj", "v_proj"))));
        assertEquals(MemoryArithmetic.parameters(c), MemoryArithmetic.trainable(c, null));
        assertThrows(IllegalArgumentException.class, () -> new LoraShape(2, List.of("qkv")));
    }

    @Test
    void handCountedForwardAndCache() {
        ModelConfig c = TestModels.micro("llama", true);
        long b = 2;
        long t = 8;
        // per layer: 10 BTD; q: projection, 4 of RoPE, regrouping copy, weighted values and their copy: 8 BT(H hd);
        // k: projection and 4 of RoPE, v: projection: 6 BT(KV hd); scores, masked, softmax: 3 BHT^2; SwiGLU 5 BTI
        long layer = 10 * 2 * 8 * 16 + 8 * 2 * 8 * 16 + 6 * 2 * 8 * 8 + 3 * 2 * 4 * 8 * 8 + 5 * 2 * 8 * 24;
        assertEquals(8832, layer);
        // embedding BTD + final norm 3 BTD + logits BTV
        assertEquals(2 * 8 * 16 + 2 * layer + 3 * 2 * 8 * 16 + 2 * 8 * 264, MemoryArithmetic.forwardFloats(c, b, t));
        // 2 L [B, KV, S, hd]
        assertEquals(2 * 2 * 2 * 2 * 10 * 4, MemoryArithmetic.kvCacheFloats(c, 2, 10));
        // qwen3's q/k norms add 3 [B,T,H hd] + 3 [B,T,KV hd] per layer
        assertEquals(2 * 3 * (2 * 8 * 16 + 2 * 8 * 8),
                MemoryArithmetic.forwardFloats(c.withArchitecture("qwen3"), b, t) - MemoryArithmetic.forwardFloats(c, b, t));
    }

    @Test
    void plainRoundTrip() {
        for (ModelConfig c : configs()) {
            assertEquals(c, ModelConfig.fromPlain(c.toPlain()));
        }
    }
}
