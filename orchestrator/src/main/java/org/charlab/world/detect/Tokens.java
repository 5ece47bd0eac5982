package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Word tokens for detectors: maximal runs of letters, lower-cased (accents kept). */
final class Tokens {

    private Tokens() {
    }

    /** A word token and where it lies in the text: characters [start, end), lower-cased as {@link #words}. */
    record Word(String lower, int start, int end) {
    }

    /**
     * The tokens of {@link #words} with their positions: {@code words(t)} equals the {@code lower}
     * of {@code located(t)}, in order (TokensTest), so spans point at exactly what scores count.
     */
    static List<Word> located(String text) {
        List<Word> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        int i = 0;
        int n = text.length();
        while (i < n) {
            int cp = text.codePointAt(i);
            if (!Character.isLetter(cp)) {
                i += Character.charCount(cp);
                continue;
            }
            int j = i;
            while (j < n && Character.isLetter(text.codePointAt(j))) {
                j += Character.charCount(text.codePointAt(j));
            }
            out.add(new Word(text.substring(i, j).toLowerCase(Locale.ROOT), i, j));
            i = j;
        }
        return out;
    }

    static List<String> words(String text) {
        List<Word> located = located(text);
        List<String> out = new ArrayList<>(located.size());
        for (Word w : located) {
            out.add(w.lower());
        }
        return out;
    }

    /** Whether every letter of the word is a Latin-script letter. */
    static boolean latin(String word) {
        return word.codePoints().allMatch(c -> Character.UnicodeScript.of(c) == Character.UnicodeScript.LATIN);
    }
}
