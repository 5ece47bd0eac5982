package org.charlab.model;

import java.util.Arrays;
import java.util.Set;

/**
 * A conversation as token ids with, per token, its {@link Segment}, the index of the message it
 * belongs to ({@code -1} for a generation prompt's open assistant header), and whether the
 * speaker of that message produced it: for an assistant message everything after its
 * {@code <|im_start|>assistant\n} header up to and including {@code <|im_end|>} (the think markers
 * too, so a model learns to close its thoughts and stop).
 */
public record FormattedChat(int[] ids, Segment[] segments, int[] message, boolean[] produced, boolean[] assistant) {

    /** A chat from per-token lists built up by a renderer (all of the same length). */
    static FormattedChat of(java.util.List<Integer> ids, java.util.List<Segment> segments, java.util.List<Integer> message,
            java.util.List<Boolean> produced, java.util.List<Boolean> assistant) {
        int n = ids.size();
        int[] a = new int[n];
        Segment[] s = new Segment[n];
        int[] m = new int[n];
        boolean[] p = new boolean[n];
        boolean[] as = new boolean[n];
        for (int i = 0; i < n; i++) {
            a[i] = ids.get(i);
            s[i] = segments.get(i);
            m[i] = message.get(i);
            p[i] = produced.get(i);
            as[i] = assistant.get(i);
        }
        return new FormattedChat(a, s, m, p, as);
    }

    public int length() {
        return ids.length;
    }

    /** 1 where the segment is one of {@code keep}, else 0. */
    public float[] mask(Set<Segment> keep) {
        float[] m = new float[ids.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = keep.contains(segments[i]) ? 1f : 0f;
        }
        return m;
    }

    /**
     * 1 for tokens an assistant produced (CoT, output, think markers, {@code <|im_end|>}): the SFT
     * loss mask. With {@code lastOnly}, only the final assistant message (the completion DPO scores).
     */
    public float[] assistantMask(boolean lastOnly) {
        int last = -1;
        for (int i = 0; i < ids.length; i++) {
            if (assistant[i] && produced[i]) {
                last = Math.max(last, message[i]);
            }
        }
        float[] m = new float[ids.length];
        for (int i = 0; i < m.length; i++) {
            m[i] = assistant[i] && produced[i] && (!lastOnly || message[i] == last) ? 1f : 0f;
        }
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FormattedChat f && Arrays.equals(ids, f.ids) && Arrays.equals(segments, f.segments)
                && Arrays.equals(message, f.message) && Arrays.equals(produced, f.produced)
                && Arrays.equals(assistant, f.assistant);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(ids);
    }

    @Override
    public String toString() {
        return "FormattedChat[" + ids.length + " tokens]";
    }
}
