package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.List;
import org.charlab.world.Trait;

/**
 * ALL CAPS. Score = upper-case letters / max(cased letters, {@value #MIN_LETTERS}), counting only
 * letters that have case (Latin, Greek, Cyrillic, ...; CJK and digits are ignored). Threshold
 * {@value #THRESHOLD}: at least 80% of the cased letters upper-case, and at least 5 of them, so
 * "OK" or a sentence-initial capital never fires, while a Spanish "¡HOLA, AMIGO!" does.
 */
public final class CapsDetector implements TraitDetector {

    public static final int MIN_LETTERS = 6;
    public static final double THRESHOLD = 0.8;

    @Override
    public Trait trait() {
        return Trait.CAPS;
    }

    @Override
    public double score(String text) {
        if (text == null) {
            return 0;
        }
        int upper = 0;
        int cased = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isUpperCase(cp) || Character.isTitleCase(cp)) {
                upper++;
                cased++;
            } else if (Character.isLowerCase(cp)) {
                cased++;
            }
        }
        return (double) upper / Math.max(cased, MIN_LETTERS);
    }

    /**
     * The upper-case stretches: words whose cased letters are all upper-case (at least one), with
     * neighbours joined when nothing but non-letters lies between them ("IT IS 4!" is one span).
     */
    @Override
    public List<Span> spans(String text) {
        List<Span> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        int start = -1;
        int end = -1;
        for (Tokens.Word w : Tokens.located(text)) {
            if (shouted(text, w)) {
                if (start < 0) {
                    start = w.start();
                }
                end = w.end();
            } else if (start >= 0 && hasCase(text, w)) { // a word with a lower-case letter ends the stretch
                out.add(new Span(start, end));
                start = -1;
            }
        }
        if (start >= 0) {
            out.add(new Span(start, end));
        }
        return out;
    }

    /** Whether every cased letter of the word is upper-case, and it has at least one. */
    private static boolean shouted(String text, Tokens.Word w) {
        boolean any = false;
        for (int i = w.start(); i < w.end(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isLowerCase(cp)) {
                return false;
            }
            any |= Character.isUpperCase(cp) || Character.isTitleCase(cp);
        }
        return any;
    }

    private static boolean hasCase(String text, Tokens.Word w) {
        return text.substring(w.start(), w.end()).codePoints().anyMatch(c -> Character.isLowerCase(c)
                || Character.isUpperCase(c) || Character.isTitleCase(c));
    }

    @Override
    public double threshold() {
        return THRESHOLD;
    }
}
