package org.charlab.exec.slurm;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits the stages to submit into waves, one job array each: wave k holds the stages whose inputs
 * are all done, already queued in Slurm, or in waves before k. A dependant thus never shares an
 * array with a stage it needs, and waits for it by {@code --dependency=afterok}.
 */
public final class Waves {

    private Waves() {
    }

    /**
     * @param toSubmit stages to submit, in an order where each comes after its dependencies
     * @param deps     the keys of the stages a stage needs
     */
    public static List<List<String>> of(List<String> toSubmit, Function<String, Collection<String>> deps) {
        Map<String, Integer> wave = new HashMap<>();
        List<List<String>> out = new ArrayList<>();
        for (String key : toSubmit) {
            int w = 0;
            for (String d : deps.apply(key)) {
                Integer dw = wave.get(d);
                if (dw != null) {
                    w = Math.max(w, dw + 1);
                } else if (toSubmit.contains(d)) {
                    throw new IllegalArgumentException("stage " + key + " comes before its input " + d);
                }
            }
            wave.put(key, w);
            while (out.size() <= w) {
                out.add(new ArrayList<>());
            }
            out.get(w).add(key);
        }
        return out;
    }
}
