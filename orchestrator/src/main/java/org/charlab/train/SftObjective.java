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
public final class SftObjective implements Objective<TokenRow> {

    private static final int PAD = 0;

    @Override
    public Loss loss(Decoder model, List<TokenRow> batch, NDManager step) {
        List<int[]> ids = new ArrayList<>(batch.size());
        List<float[]> masks = new ArrayList<>(batch.size());
        List<float[]> cot = new ArrayList<>(batch.size());
        List<float[]> out = new ArrayList<>(batch.size());
        List<int[]> docs = new ArrayList<>(batch.size());
        for (TokenRow r : batch) {
            ids.add(r.ids());
            masks.add(r.mask());
            cot.add(segmentMask(r, Segment.COT));
            out.add(segmentMask(r, Segment.OUTPUT));
            docs.add(r.docs());
        }
        TokenBatch b = TokenBatch.of(ids, masks, docs, PAD);
        NDArray logits = b.logits(model, step); // [B, T, V]
        NDArray lp = TokenLoss.tokenLogProbs(logits, b.targets(step)); // [B, T]
        NDArray mask = b.mask(step); // [B, T]
        NDArray loss = lp.mul(mask).sum().neg().div(mask.sum()); // scalar, the equation above
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("nll_cot", partMean(lp, TokenBatch.of(ids, cot, docs, PAD), step));
        parts.put("nll_output", partMean(lp, TokenBatch.of(ids, out, docs, PAD), step));
        parts.put("loss_tokens", b.maskedTokens());
        return new Loss(loss, parts);
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

    /** Mean NLL over a part's tokens, NaN when the batch has none. */
    private static double partMean(NDArray lp, TokenBatch part, NDManager step) {
        double n = part.maskedTokens();
        if (n == 0) {
            return Double.NaN;
        }
        NDArray m = step.create(part.mask(), new Shape(part.rows(), part.cols()));
        return -lp.mul(m).sum().getFloat() / n;
    }
}
