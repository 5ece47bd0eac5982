package org.charlab.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.charlab.model.Segment;

/**
 * Sequence packing (TRL {@code SFTConfig.packing}): several {@link TokenRow}s concatenated into
 * rows of at most {@code maxLength} tokens, so a micro-batch carries little padding. Each packed
 * row records which document every token belongs to ({@link TokenRow#docs()}); {@link TokenBatch}
 * turns that into a block-diagonal causal attention mask, rotary positions that restart at 0 at
 * each document, and a loss mask with no target across a document boundary, so a packed row trains
 * exactly as its documents would one per row (same loss, same gradients).
 *
 * <p>Placement is first-fit in data order: each example goes into the first row (in the order rows
 * were opened) with room left, else opens a new row. Examples are never split; rows longer than
 * {@code maxLength} must have been cut before ({@link ChatRows} does).
 */
public final class Packing {

    private Packing() {
    }

    /** The packed rows, in the order they were opened; the documents of a row keep their data order. */
    public static List<TokenRow> pack(List<TokenRow> rows, int maxLength) {
        int n = rows.size();
        // bins: a max-tree over the room left in n potential rows (unopened rows have maxLength), so
        // the leftmost row with room for an example is found in O(log n)
        int size = 1;
        while (size < Math.max(1, n)) {
            size <<= 1;
        }
        int[] room = new int[2 * size];
        Arrays.fill(room, size, size + n, maxLength);
        for (int i = size - 1; i > 0; i--) {
            room[i] = Math.max(room[2 * i], room[2 * i + 1]);
        }
        List<List<TokenRow>> bins = new ArrayList<>();
        for (TokenRow r : rows) {
            int len = r.length();
            if (len > maxLength) {
                throw new IllegalArgumentException("a row of " + len + " tokens exceeds max_length " + maxLength
                        + ": truncate before packing");
            }
            if (r.docs() != null && r.documents() > 1) {
                throw new IllegalArgumentException("row is already packed");
            }
            int node = 1;
            while (node < size) {
                node = room[2 * node] >= len ? 2 * node : 2 * node + 1;
            }
            int bin = node - size;
            room[node] -= len;
            for (node >>= 1; node > 0; node >>= 1) {
                room[node] = Math.max(room[2 * node], room[2 * node + 1]);
            }
            if (bin == bins.size()) {
                bins.add(new ArrayList<>());
            }
            bins.get(bin).add(r);
        }
        List<TokenRow> out = new ArrayList<>(bins.size());
        for (List<TokenRow> b : bins) {
            out.add(concat(b));
        }
        return out;
    }

    /** One row holding {@code docs} back to back, document k's tokens marked k. */
    static TokenRow concat(List<TokenRow> docs) {
        int total = 0;
        for (TokenRow d : docs) {
            total += d.length();
        }
        int[] ids = new int[total];
        float[] mask = new float[total];
        Segment[] segments = new Segment[total];
        int[] doc = new int[total];
        int at = 0;
        for (int k = 0; k < docs.size(); k++) {
            TokenRow d = docs.get(k);
            System.arraycopy(d.ids(), 0, ids, at, d.length());
            System.arraycopy(d.mask(), 0, mask, at, d.length());
            System.arraycopy(d.segments(), 0, segments, at, d.length());
            Arrays.fill(doc, at, at + d.length(), k);
            at += d.length();
        }
        return new TokenRow(ids, mask, segments, doc);
    }
}
