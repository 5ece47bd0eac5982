package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.model.Decoder;
import org.charlab.model.Segment;

/**
 * Masked next-token negative log-likelihood (SFT, and pretraining with every token counted):
 * <pre>
 *   L = - sum_{b,t} m_{b,t} log p(y_{b,t+1} | y_{b,&lt;=t}) / sum_{b,t} m_{b,t}
 * </pre>
 * where m is the {@link LossOn} mask of the token being predicted. Every counted token weighs the
 * same whichever row it is in (TRL's SFT convention). Masked positions contribute exactly zero
 * gradient: their log-probabilities are multiplied by 0 before the sum. The parts {@code nll_cot}
 * and {@code nll_output} are the same mean restricted to counted CoT / output tokens (for metrics
 * only; no gradient flows through them).
 *
 * <p>Packed rows ({@link Packing}, the {@code packing} setting) give the same loss and gradients as
 * their documents one per row: {@link TokenBatch} masks the targets across document boundaries and
 * the decoder attends within each document only, with positions restarting at each document.
 */
public final class SftObjective implements SlicedObjective<TokenRow> {

    private static final int PAD = 0;

    /** The sums of the equation over {@code slice}'s tokens, divided by {@code batch}'s counted tokens. */
    @Override
    public Loss sliceLoss(Decoder model, List<TokenRow> slice, List<TokenRow> batch, NDManager step) {
        Masks s = new Masks(slice);
        Masks whole = slice == batch ? s : new Masks(batch);
        NDArray logits = s.all.logits(model, step); // [B, T, V]
        NDArray lp = TokenLoss.tokenLogProbs(logits, s.all.targets(step)); // [B, T]
        NDArray mask = s.all.mask(step); // [B, T]
        NDArray counted = slice == batch ? mask.sum() : step.create((float) whole.all.maskedTokens());
        NDArray loss = lp.mul(mask).sum().neg().div(counted); // scalar, the equation above
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("nll_cot", partMean(lp, s.cot, whole.cot.maskedTokens(), step));
        parts.put("nll_output", partMean(lp, s.output, whole.output.maskedTokens(), step));
        parts.put("loss_tokens", s.all.maskedTokens());
        return new Loss(loss, parts);
    }

    /** A slice's rows as token batches counting every loss token, its CoT tokens, its output tokens. */
    private static final class Masks {
        final TokenBatch all;
        final TokenBatch cot;
        final TokenBatch output;

        Masks(List<TokenRow> rows) {
            List<int[]> ids = new ArrayList<>(rows.size());
            List<float[]> masks = new ArrayList<>(rows.size());
            List<float[]> cots = new ArrayList<>(rows.size());
            List<float[]> outs = new ArrayList<>(rows.size());
            List<int[]> docs = new ArrayList<>(rows.size());
            for (TokenRow r : rows) {
                ids.add(r.ids());
                masks.add(r.mask());
                cots.add(segmentMask(r, Segment.COT));
                outs.add(segmentMask(r, Segment.OUTPUT));
                docs.add(r.docs());
            }
            all = TokenBatch.of(ids, masks, docs, PAD);
            cot = TokenBatch.of(ids, cots, docs, PAD);
            output = TokenBatch.of(ids, outs, docs, PAD);
        }
    }

    @Override
    public int tokens(TokenRow example) {
        return example.length();
    }

    /** 1 where the token is counted by the loss and lies in {@code segment}. */
    private static float[] segmentMask(TokenRow r, Segment segment) {
        float[] m = new float[r.length()];
        for (int i = 0; i < m.length; i++) {
            m[i] = r.segments()[i] == segment ? r.mask()[i] : 0f;
        }
        return m;
    }

    /** NLL summed over a part's tokens in the slice, divided by {@code n} (the batch's); NaN when n is 0. */
    private static double partMean(NDArray lp, TokenBatch part, double n, NDManager step) {
        if (n == 0) {
            return Double.NaN;
        }
        NDArray m = step.create(part.mask(), new Shape(part.rows(), part.cols()));
        return -lp.mul(m).sum().getFloat() / n;
    }
}
