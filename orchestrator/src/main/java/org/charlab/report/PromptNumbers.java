package org.charlab.report;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Prompt ids numbered 0, 1, 2, ... in order of first appearance over the runs of one design (or of
 * two designs that pair): the cluster ids of a {@link org.charlab.stats.CrossedDesign}.
 *
 * <p>A run's prompts are numbered as a whole list, in the run's order of first appearance. Runs of
 * one sweep mostly share one list ({@link SampleCells#sharePrompts} hands them the same object), and
 * a list numbered once keeps its numbers (numbers are never reassigned), so each distinct list is
 * numbered once per design instead of hashing every prompt of every run for every metric.
 */
final class PromptNumbers {

    private final Map<String, Integer> ids = new HashMap<>();
    private final Map<List<String>, int[]> byList = new IdentityHashMap<>();

    /** The number of each prompt of {@code prompts}, numbering new ones as they come. */
    int[] of(List<String> prompts) {
        int[] known = byList.get(prompts);
        if (known != null) {
            return known;
        }
        int[] global = new int[prompts.size()];
        for (int i = 0; i < global.length; i++) {
            global[i] = ids.computeIfAbsent(prompts.get(i), k -> ids.size());
        }
        byList.put(prompts, global);
        return global;
    }
}
