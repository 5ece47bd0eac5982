/**
 * Training primitives shared by the SFT / DPO / OPD trainers: {@link org.charlab.train.AdamW}
 * (decoupled decay, parameter groups), {@link org.charlab.train.GradClip} (global norm),
 * {@link org.charlab.train.TokenLoss} (masked per-token log-likelihoods),
 * {@link org.charlab.train.TokenBatch} (next-token rows from formatted chats) and
 * {@link org.charlab.train.LmStep}, the reference step:
 *
 * <pre>{@code
 * AdamW opt = new AdamW(model, AdamW.Options.defaults(3e-4));   // makes the model trainable
 * for (...) {
 *     TokenBatch b = TokenBatch.of(ids, masks, tokenizer.padId());
 *     LmStep.Result r = LmStep.step(model, opt, b, schedule.lr(step), 1.0);
 * }
 * }</pre>
 * For gradient accumulation call {@link org.charlab.train.LmStep#backward} k times, then
 * {@code GradClip.clip}, {@code opt.step(lr)}, {@code opt.zeroGrad()}. For custom losses (DPO) open
 * a sub-manager and a gradient collector as {@code LmStep.backward} does, and never pass a Java
 * {@code Number} to an NDArray op under autograd (create scalars with {@code manager.create(x)}).
 * {@link org.charlab.train.ModelBench} backs {@code charlab bench model}.
 */
package org.charlab.train;
