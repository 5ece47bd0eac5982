/**
 * KV-cached batched sampling: {@code new Generator(model, chat).generate(prompts, Prefill.none(),
 * SamplingParams.sampled(0.7, 0.95, 256, seed))} returns one {@link org.charlab.generate.Sample}
 * per prompt with CoT and output split, token counts and the stop reason. Sample i is seeded with
 * {@code Generator.seedFor(seed, i)}, independent of batch composition and {@code maxBatch}.
 */
package org.charlab.generate;
