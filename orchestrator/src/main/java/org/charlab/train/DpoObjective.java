package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.PreferencePair;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;

/**
 * Direct preference optimisation against a frozen reference model. Per micro-batch of B pairs the
 * policy reads the 2B sequences (chosen rows, then rejected rows) in one forward pass; the
 * reference reads the same batch with autograd off. The sequence log-probability of a reply is
 * {@code sum_t m_t log p(y_t | y_<t)} over the tokens of the LAST assistant message that
 * {@code logp_on} selects (see {@link #rows}); {@link DpoLoss} turns the four [B] arrays into the
 * loss. With {@code nllWeight > 0} the masked mean NLL of the chosen replies is added (TRL's
 * rpo_alpha; OCT uses 0.1):
 * <pre>
 *   L = mean_b l_dpo(b) + w * (- sum_{b,t} m^c_{b,t} log p(y^c_{b,t}) / sum_{b,t} m^c_{b,t})
 * </pre>
 * Parts: rewards/chosen, rewards/rejected, rewards/margins, rewards/accuracies, logps/chosen,
 * logps/rejected (policy, summed per sequence, batch mean), nll_chosen, dpo_loss.
 */
public final class DpoObjective implements SlicedObjective<DpoObjective.PairRow> {

    private static final int PAD = 0;

    /** One tokenised pair: the prompt + chosen reply and the prompt + rejected reply, with their masks. */
    public record PairRow(TokenRow chosen, TokenRow rejected) {
    }

    private final Decoder reference;
    private final DpoLossType type;
    private final double beta;
    private final double labelSmoothing;
    private final double nllWeight;

    /** @param reference frozen (not trainable) weights, e.g. {@link Decoder#copy} of the policy before training */
    public DpoObjective(Decoder reference, DpoLossType type, double beta, double labelSmoothing, double nllWeight) {
        this.reference = reference;
        this.type = type;
        this.beta = beta;
        this.labelSmoothing = labelSmoothing;
        this.nllWeight = nllWeight;
    }

    /** Tokenised pairs; the mask counts the last assistant message's tokens that {@code lossOn} selects. */
    public static List<PairRow> rows(List<PreferencePair> pairs, ChatFormat chat, LossOn lossOn, int maxLength) {
        if (lossOn == LossOn.ALL) {
            throw new IllegalArgumentException("loss_on: all would count the prompt; DPO compares replies");
        }
        List<PairRow> out = new ArrayList<>(pairs.size());
        for (PreferencePair p : pairs) {
            out.add(new PairRow(row(chat.format(p.chosenConversation()), lossOn, maxLength),
                    row(chat.format(p.rejectedConversation()), lossOn, maxLength)));
        }
        return out;
    }

    static TokenRow row(FormattedChat f, LossOn on, int maxLength) {
        float[] last = f.assistantMask(true);
        float[] seg = ChatRows.row(f, on).mask();
        int n = Math.min(f.length(), maxLength);
        int[] ids = java.util.Arrays.copyOf(f.ids(), n);
        float[] m = new float[n];
        Segment[] s = java.util.Arrays.copyOf(f.segments(), n);
        for (int i = 0; i < n; i++) {
            m[i] = last[i] * seg[i];
        }
        return new TokenRow(ids, m, s);
    }

    /**
     * The equation's sums over {@code slice}'s pairs: its mean DPO loss and batch means weighted by
     * its share of {@code batch}'s pairs, its NLL divided by {@code batch}'s counted chosen tokens.
     */
    @Override
    public Loss sliceLoss(Decoder model, List<PairRow> slice, List<PairRow> batch, NDManager step) {
        int b = slice.size();
        boolean whole = slice == batch;
        List<int[]> ids = new ArrayList<>(2 * b);
        List<float[]> masks = new ArrayList<>(2 * b);
        for (PairRow p : slice) {
            ids.add(p.chosen().ids());
            masks.add(p.chosen().mask());
        }
        for (PairRow p : slice) {
            ids.add(p.rejected().ids());
            masks.add(p.rejected().mask());
        }
        TokenBatch tb = TokenBatch.of(ids, masks, PAD); // [2B, T]
        NDArray inputs = tb.inputs(step);
        NDArray targets = tb.targets(step);
        NDArray mask = tb.mask(step);
        NDArray tokenLp = TokenLoss.tokenLogProbs(model.logits(inputs), targets); // [2B, T]
        NDArray seq = tokenLp.mul(mask).sum(new int[] {1}); // [2B]
        NDArray refSeq;
        boolean grad = JniUtils.isGradMode();
        JniUtils.setGradMode(false); // the reference builds no graph
        try {
            refSeq = TokenLoss.sequenceLogProbs(reference.logits(inputs), targets, mask); // [2B]
        } finally {
            JniUtils.setGradMode(grad);
        }
        NDArray pc = seq.get(new NDIndex("0:" + b));
        NDArray pr = seq.get(new NDIndex(b + ":"));
        NDArray rc = refSeq.get(new NDIndex("0:" + b));
        NDArray rr = refSeq.get(new NDIndex(b + ":"));
        DpoLoss.Result r = DpoLoss.compute(pc, pr, rc, rr, type, beta, labelSmoothing, step);
        double share = whole ? 1 : (double) b / batch.size(); // slice means -> sums over the batch's pairs
        NDArray dpo = whole ? r.loss() : r.loss().mul(step.create((float) share));
        NDArray chosenMask = mask.get(new NDIndex("0:" + b)); // [B, T]
        NDArray chosenTokens = whole ? chosenMask.sum() : step.create((float) chosenTokens(batch));
        NDArray nll = tokenLp.get(new NDIndex("0:" + b)).mul(chosenMask).sum().neg().div(chosenTokens); // scalar
        NDArray loss = nllWeight == 0 ? dpo : dpo.add(nll.mul(step.create((float) nllWeight)));
        Map<String, Double> parts = new LinkedHashMap<>();
        parts.put("dpo_loss", (double) dpo.getFloat());
        parts.put("nll_chosen", (double) nll.getFloat());
        parts.put("rewards/chosen", r.rewardChosen() * share);
        parts.put("rewards/rejected", r.rewardRejected() * share);
        parts.put("rewards/margins", r.margin() * share);
        parts.put("rewards/accuracies", r.accuracy() * share);
        parts.put("logps/chosen", pc.mean().getFloat() * share);
        parts.put("logps/rejected", pr.mean().getFloat() * share);
        return new Loss(loss, parts);
    }

    /** The chosen replies' counted tokens in {@code batch} (as its token batch counts them: predicted tokens). */
    private static double chosenTokens(List<PairRow> batch) {
        List<int[]> ids = new ArrayList<>(batch.size());
        List<float[]> masks = new ArrayList<>(batch.size());
        for (PairRow p : batch) {
            ids.add(p.chosen().ids());
            masks.add(p.chosen().mask());
        }
        return TokenBatch.of(ids, masks, PAD).maskedTokens();
    }

    @Override
    public int tokens(PairRow example) {
        return example.chosen().length() + example.rejected().length();
    }
}
