package org.charlab.generate;

/**
 * How to sample.
 *
 * @param temperature 0 for greedy (argmax), otherwise logits are divided by it
 * @param topP nucleus sampling: keep the most likely tokens whose probabilities sum to at least topP (1 = off)
 * @param topK keep only the k most likely tokens (0 = off)
 * @param maxNewTokens the most tokens to generate per sample (the stop token included)
 * @param seed base seed; sample i of a call uses {@link Generator#seedFor(long, int) seedFor(seed, i)}
 * @param useCache decode with the KV cache (false recomputes the whole sequence each step: for tests and the bench)
 * @param maxBatch rows decoded together; results do not depend on it
 */
public record SamplingParams(double temperature, double topP, int topK, int maxNewTokens, long seed, boolean useCache,
        int maxBatch) {

    public SamplingParams {
        if (temperature < 0 || !(topP > 0 && topP <= 1) || topK < 0 || maxNewTokens < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("bad sampling params: " + temperature + ", top_p " + topP + ", top_k "
                    + topK + ", max_new_tokens " + maxNewTokens + ", max_batch " + maxBatch);
        }
    }

    public static SamplingParams greedy(int maxNewTokens) {
        return new SamplingParams(0, 1, 0, maxNewTokens, 0, true, 32);
    }

    public static SamplingParams sampled(double temperature, double topP, int maxNewTokens, long seed) {
        return new SamplingParams(temperature, topP, 0, maxNewTokens, seed, true, 32);
    }

    public SamplingParams withCache(boolean cache) {
        return new SamplingParams(temperature, topP, topK, maxNewTokens, seed, cache, maxBatch);
    }

    public SamplingParams withMaxBatch(int batch) {
        return new SamplingParams(temperature, topP, topK, maxNewTokens, seed, useCache, batch);
    }

    public SamplingParams withTopK(int k) {
        return new SamplingParams(temperature, topP, k, maxNewTokens, seed, useCache, maxBatch);
    }

    public SamplingParams withSeed(long s) {
        return new SamplingParams(temperature, topP, topK, maxNewTokens, s, useCache, maxBatch);
    }
}
