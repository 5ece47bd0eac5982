package org.charlab.train;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.generate.Generator;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;

/**
 * The self-check {@code charlab doctor} runs on each device: a few AdamW training steps of the tiny
 * model (random weights from a seeded Java RNG, so identical on every device) on a seeded random
 * batch, then greedy generation from a fixed prompt. The same run on two devices must give the same
 * losses within fp32 tolerance and the same greedy tokens.
 */
public final class DeviceSelfCheck {

    /** Absolute tolerance on each step's loss (fp32 kernels differ across devices in the last bits). */
    public static final double LOSS_TOLERANCE = 1e-3;

    private DeviceSelfCheck() {
    }

    /** Per-step losses and the greedy continuation's tokens. */
    public record Result(double[] losses, int[] greedy) {
    }

    /** {@code steps} training steps at batch 2 x 32 tokens, then {@code newTokens} greedy tokens. */
    public static Result run(Device device, int steps, int newTokens, long seed) {
        ModelConfig cfg = ModelConfig.tiny();
        double[] losses = new double[steps];
        try (NDManager m = NDManager.newBaseManager(device); Decoder d = Decoder.init(cfg, m, seed);
                AdamW opt = new AdamW(d, AdamW.Options.defaults(1e-3))) {
            TokenBatch b = ModelBench.randomBatch(2, 32, seed);
            for (int i = 0; i < steps; i++) {
                losses[i] = LmStep.step(d, opt, b, 1e-3, 1.0).loss();
            }
            Generator g = new Generator(d, new ChatMlFormat(new ByteTokenizer())).withoutStops();
            int[] tokens = g.generate(List.of(Conversation.of(Message.user("What is 2 plus 5?"))),
                    ChatFormat.Prefill.none(), SamplingParams.greedy(newTokens)).get(0).tokens();
            return new Result(losses, tokens);
        }
    }

    /** The problem with {@code got} against the reference run, if any (non-finite loss, loss or token mismatch). */
    public static Optional<String> compare(Result reference, Result got) {
        for (int i = 0; i < got.losses().length; i++) {
            if (!Double.isFinite(got.losses()[i])) {
                return Optional.of("loss at step " + (i + 1) + " is " + got.losses()[i]);
            }
            if (Math.abs(got.losses()[i] - reference.losses()[i]) > LOSS_TOLERANCE) {
                return Optional.of(String.format(Locale.ROOT, "loss at step %d is %.6f, the reference's %.6f (tolerance %g)",
                        i + 1, got.losses()[i], reference.losses()[i], LOSS_TOLERANCE));
            }
        }
        if (!java.util.Arrays.equals(got.greedy(), reference.greedy())) {
            int i = 0;
            while (i < Math.min(got.greedy().length, reference.greedy().length)
                    && got.greedy()[i] == reference.greedy()[i]) {
                i++;
            }
            return Optional.of("greedy tokens differ from the reference's at position " + i);
        }
        return Optional.empty();
    }
}
