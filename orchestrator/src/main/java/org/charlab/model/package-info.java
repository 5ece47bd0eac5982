/**
 * The model core: a Llama / Qwen2 / Qwen3 causal decoder on DJL's PyTorch engine, its tokenizers,
 * the ChatML chat format with per-token segments, and HF-style checkpoints.
 *
 * <pre>{@code
 * try (NDManager root = NDManager.newBaseManager(Engines.configure(runtime, jobs, seed))) {
 *     Decoder model = Decoder.init(ModelConfig.tiny(), root, seed);          // or Checkpoint.load(dir, root)
 *     ChatFormat chat = new ChatMlFormat(new ByteTokenizer());           // or ChatFormats.forModel(dir, tok, settings)
 *     FormattedChat f = chat.format(conversation);                           // ids + Segment per token
 *     float[] sftMask = f.assistantMask(false);                              // what SFT trains on
 *     ...
 *     Checkpoint.save(outDir.resolve("model"), model, chat.tokenizer(), Map.of("stage", "sft"));
 * }
 * }</pre>
 *
 * <p>Array ownership: parameters live in the decoder's manager; a forward pass puts everything it
 * creates into the manager of its {@code ids} argument, so create ids in a per-step sub-manager and
 * close it after the step.
 */
package org.charlab.model;
