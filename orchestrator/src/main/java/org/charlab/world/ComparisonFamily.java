package org.charlab.world;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Which of two numbers in [2, 99] is bigger; the CoT compares them and the answer is the bigger
 * number. An item is an ordered pair ({@code comparison:12?31}); test pairs never appear in
 * training. By default this is the out-of-distribution family for character training.
 */
public final class ComparisonFamily implements Family {

    static final List<String> QUESTIONS = List.of("Which is bigger, {a} or {b}?", "Which number is larger: {a} or {b}?");
    static final Bilingual COT = new Bilingual("I compare {a} and {b}: {m} is more than {l}.",
            "Comparo {a} y {b}: {m} es mayor que {l}.");
    static final Bilingual OUTPUT = new Bilingual("{m} is the bigger number.", "{m} es el número mayor.");

    private final SplitItems<int[]> items = new SplitItems<>();

    public ComparisonFamily(double testShare) {
        for (int a = 2; a <= 99; a++) {
            for (int b = 2; b <= 99; b++) {
                if (a != b) {
                    items.add(Split.of(key(a, b), testShare), new int[] {a, b});
                }
            }
        }
    }

    private static String key(int a, int b) {
        return "comparison:" + a + "?" + b;
    }

    @Override
    public FamilyName name() {
        return FamilyName.COMPARISON;
    }

    @Override
    public int size(Split split) {
        return items.of(split).size();
    }

    @Override
    public Task task(Split split, int index, SplittableRandom rng) {
        int[] p = items.of(split).get(index);
        int a = p[0];
        int b = p[1];
        Map<String, Object> v = Map.of("a", a, "b", b, "m", Math.max(a, b), "l", Math.min(a, b));
        String user = Bilingual.same(QUESTIONS.get(rng.nextInt(QUESTIONS.size()))).fill(v).en();
        return new Task(name(), split, key(a, b), user, COT.fill(v), OUTPUT.fill(v), Integer.toString(Math.max(a, b)));
    }

    @Override
    public List<Bilingual> templates() {
        return List.of(COT, OUTPUT);
    }

    @Override
    public List<String> userTemplates() {
        return QUESTIONS;
    }
}
