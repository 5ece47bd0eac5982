package org.charlab.eval;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Counts behind the CoT legibility metrics, for one text. Words are maximal runs of letters
 * (any script; an apostrophe inside a word is kept), lower-cased. Engine-free.
 * <ul>
 *   <li>odd words: words in the configured list (Schoen et al. 2025: marinade, overshadow, ...);</li>
 *   <li>fillers: occurrences of the configured fillers ("hmm", "wait"; a filler of several words
 *       matches that word sequence);</li>
 *   <li>letters and non-Latin letters: code points that are letters, and those whose Unicode script
 *       is not Latin (Cyrillic, Han, ...): the language-mixing share;</li>
 *   <li>n-grams and repeated n-grams: word n-grams, and those equal to an earlier n-gram of the same
 *       text (a loop repeating a 4-word phrase 3 times counts 2 repeats per n-gram position).</li>
 * </ul>
 * The metrics divide sums of these counts over all samples (per 1,000 CoT tokens for odd words
 * and fillers), see {@link MetricsCalculator}.
 */
public final class Legibility {

    /** Score names of the per-sample counts in samples.jsonl. */
    public static final String ODD_WORDS = "legibility.odd_words";
    public static final String FILLERS = "legibility.fillers";
    public static final String LETTERS = "legibility.letters";
    public static final String NON_LATIN_LETTERS = "legibility.non_latin_letters";
    public static final String NGRAMS = "legibility.ngrams";
    public static final String REPEATED_NGRAMS = "legibility.repeated_ngrams";

    private final Set<String> odd;
    private final List<List<String>> fillers;
    private final int n;

    public Legibility(LegibilitySettings s) {
        odd = new HashSet<>();
        s.oddWords().forEach(w -> odd.add(w.toLowerCase(Locale.ROOT).trim()));
        fillers = new ArrayList<>();
        for (String f : s.fillers()) {
            List<String> ws = words(f);
            if (!ws.isEmpty()) {
                fillers.add(ws);
            }
        }
        n = s.ngram();
    }

    /** The counts of one text. */
    public record Counts(int oddWords, int fillers, int letters, int nonLatinLetters, int ngrams, int repeatedNgrams) {
    }

    public Counts count(String text) {
        List<String> w = words(text);
        int oddCount = 0;
        for (String x : w) {
            if (odd.contains(x)) {
                oddCount++;
            }
        }
        int fill = 0;
        for (int i = 0; i < w.size(); i++) {
            for (List<String> f : fillers) {
                if (i + f.size() <= w.size() && w.subList(i, i + f.size()).equals(f)) {
                    fill++;
                }
            }
        }
        int letters = 0;
        int nonLatin = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            if (Character.isLetter(cp)) {
                letters++;
                if (Character.UnicodeScript.of(cp) != Character.UnicodeScript.LATIN) {
                    nonLatin++;
                }
            }
            i += Character.charCount(cp);
        }
        int grams = Math.max(0, w.size() - n + 1);
        int repeated = 0;
        Set<List<String>> seen = new HashSet<>();
        for (int i = 0; i < grams; i++) {
            if (!seen.add(w.subList(i, i + n))) {
                repeated++;
            }
        }
        return new Counts(oddCount, fill, letters, nonLatin, grams, repeated);
    }

    /** Lower-cased runs of letters (apostrophes between letters kept). */
    public static List<String> words(String text) {
        List<String> out = new ArrayList<>();
        if (text == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        int len = text.length();
        for (int i = 0; i < len; ) {
            int cp = text.codePointAt(i);
            int next = i + Character.charCount(cp);
            boolean apostrophe = (cp == '\'' || cp == '\u2019') && cur.length() > 0 && next < len
                    && Character.isLetter(text.codePointAt(next));
            if (Character.isLetter(cp) || apostrophe) {
                cur.appendCodePoint(cp);
            } else if (cur.length() > 0) {
                out.add(cur.toString().toLowerCase(Locale.ROOT));
                cur.setLength(0);
            }
            i = next;
        }
        if (cur.length() > 0) {
            out.add(cur.toString().toLowerCase(Locale.ROOT));
        }
        return out;
    }
}
