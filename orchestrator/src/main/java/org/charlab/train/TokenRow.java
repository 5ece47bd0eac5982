package org.charlab.train;

import org.charlab.model.Segment;

/**
 * One tokenised training row: token ids, the loss mask over them (1 = predicting this token counts),
 * each token's segment (for the per-segment loss parts in metrics) and, for a packed row
 * ({@link Packing}), each token's document index within the row. {@code docs == null} means the
 * row is one document (one conversation), as {@link ChatRows} builds it.
 */
public record TokenRow(int[] ids, float[] mask, Segment[] segments, int[] docs) {

    public TokenRow {
        if (mask.length != ids.length || segments.length != ids.length) {
            throw new IllegalArgumentException("ids, mask and segments differ in length");
        }
        if (docs != null) {
            if (docs.length != ids.length) {
                throw new IllegalArgumentException("ids and docs differ in length");
            }
            for (int i = 0; i < docs.length; i++) {
                if (docs[i] < 0 || (i == 0 ? docs[i] != 0 : docs[i] != docs[i - 1] && docs[i] != docs[i - 1] + 1)) {
                    throw new IllegalArgumentException("docs must count documents 0, 1, 2, ... in order; at " + i
                            + ": " + docs[i]);
                }
            }
        }
    }

    /** A row holding one document. */
    public TokenRow(int[] ids, float[] mask, Segment[] segments) {
        this(ids, mask, segments, null);
    }

    public int length() {
        return ids.length;
    }

    /** Documents in this row (1 unless packed). */
    public int documents() {
        return docs == null || docs.length == 0 ? 1 : docs[docs.length - 1] + 1;
    }
}
