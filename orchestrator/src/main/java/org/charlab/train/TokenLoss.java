package org.charlab.train;

import ai.djl.ndarray.NDArray;

/**
 * Per-token language-model losses with a float mask, so trainers choose which tokens count
 * (e.g. only CoT and output tokens of the assistant turn, see
 * {@link org.charlab.model.FormattedChat#assistantMask}).
 */
public final class TokenLoss {

    private TokenLoss() {
    }

    /**
     * log p(y_t | y_&lt;t) for every position: {@code logSoftmax(logits)[b, t, targets[b, t]]}.
     *
     * @param logits [B, T, V]
     * @param targets [B, T] int64, the next token at each position
     * @return [B, T] log-probabilities (owned by the manager of {@code logits})
     */
    public static NDArray tokenLogProbs(NDArray logits, NDArray targets) {
        return logits.logSoftmax(-1).gather(targets.expandDims(-1), -1).squeeze(-1);
    }

    /**
     * Masked mean negative log-likelihood:
     * {@code L = - sum_{b,t} m_{b,t} log p(y_{b,t} | y_{b,<t}) / sum_{b,t} m_{b,t}}.
     * Every counted token weighs the same, whichever row it is in (the SFT convention of TRL).
     *
     * @param mask [B, T] float, 1 for tokens that count, 0 otherwise (padding, prompt)
     * @return a scalar
     */
    public static NDArray maskedNll(NDArray logits, NDArray targets, NDArray mask) {
        NDArray lp = tokenLogProbs(logits, targets);
        return lp.mul(mask).sum().neg().div(mask.sum());
    }

    /** Sum of masked log-probabilities per row, [B] (the sequence log-likelihood DPO compares). */
    public static NDArray sequenceLogProbs(NDArray logits, NDArray targets, NDArray mask) {
        return tokenLogProbs(logits, targets).mul(mask).sum(new int[] {1});
    }
}
