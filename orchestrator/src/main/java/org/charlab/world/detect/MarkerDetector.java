package org.charlab.world.detect;

import java.util.List;

/**
 * A lexical persona detected by marker phrases. Phrases are matched as whole-word sequences on
 * lower-cased word tokens (so punctuation, accents on ¡/¿ and CAPS do not matter). Score =
 * min(1, hits / 2); threshold 0.5, i.e. one marker phrase makes the trait present.
 */
abstract class MarkerDetector implements TraitDetector {

    public static final double THRESHOLD = 0.5;

    private final List<String[]> markers;

    MarkerDetector(List<String> phrases) {
        this.markers = phrases.stream().map(p -> p.split(" ")).toList();
    }

    @Override
    public double score(String text) {
        List<String> w = Tokens.words(text);
        int hits = 0;
        for (int i = 0; i < w.size(); i++) {
            for (String[] m : markers) {
                if (matches(w, i, m)) {
                    hits++;
                }
            }
        }
        return Math.min(1.0, hits / 2.0);
    }

    private static boolean matches(List<String> w, int at, String[] m) {
        if (at + m.length > w.size()) {
            return false;
        }
        for (int k = 0; k < m.length; k++) {
            if (!w.get(at + k).equals(m[k])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public double threshold() {
        return THRESHOLD;
    }
}
