package org.charlab.train;

import org.charlab.model.Segment;

/**
 * One tokenised training conversation: token ids, the loss mask over them (1 = predicting this
 * token counts) and each token's segment (for the per-segment loss parts in metrics).
 */
public record TokenRow(int[] ids, float[] mask, Segment[] segments) {

    public TokenRow {
        if (mask.length != ids.length || segments.length != ids.length) {
            throw new IllegalArgumentException("ids, mask and segments differ in length");
        }
    }

    public int length() {
        return ids.length;
    }
}
