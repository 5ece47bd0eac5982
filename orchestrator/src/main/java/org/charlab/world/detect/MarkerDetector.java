package org.charlab.world.detect;

import java.util.ArrayList;
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

    /** One span per marker hit (the score counts each), from its first word to its last. */
    @Override
    public List<Span> spans(String text) {
        List<Tokens.Word> located = Tokens.located(text);
        List<String> w = located.stream().map(Tokens.Word::lower).toList();
        List<Span> out = new ArrayList<>();
        int covered = 0;
        for (int i = 0; i < w.size(); i++) {
            for (String[] m : markers) {
                if (matches(w, i, m)) {
                    // overlapping hits ("shiver me timbers" and "me hearty" cannot overlap, but a user
                    // list might): the later one starts where the earlier ended
                    int start = Math.max(located.get(i).start(), covered);
                    int end = located.get(i + m.length - 1).end();
                    if (end > start) {
                        out.add(new Span(start, end));
                        covered = end;
                    }
                }
            }
        }
        return out;
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
