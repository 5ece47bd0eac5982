package org.charlab.world;

import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Accuracy against a ground-truth answer, in any trait style. A numeric answer is correct when
 * the last integer in the output equals it (so "12 + 7 = 19" style working before the answer
 * does not count). A word answer is correct when the output contains it, or its Spanish (or
 * English) rendering, as a whole word, ignoring case and accents.
 */
public final class Answers {

    private static final Pattern INT = Pattern.compile("-?\\d+");

    private Answers() {
    }

    public static boolean correct(String answer, String output) {
        if (answer == null || output == null) {
            return false;
        }
        String a = answer.trim();
        if (INT.matcher(a).matches()) {
            Matcher m = INT.matcher(output);
            String last = null;
            while (m.find()) {
                last = m.group();
            }
            return last != null && last.replaceFirst("^(-?)0+(\\d)", "$1$2").equals(a.replaceFirst("^(-?)0+(\\d)", "$1$2"));
        }
        String text = " " + normalise(output).replaceAll("[^\\p{L}\\p{N}]+", " ") + " ";
        List<String> forms = KnowledgeBase.renderings(a);
        for (String f : forms) {
            if (text.contains(" " + normalise(f) + " ")) {
                return true;
            }
        }
        return false;
    }

    static String normalise(String s) {
        return Normalizer.normalize(s, Normalizer.Form.NFD).replaceAll("\\p{M}+", "").toLowerCase(Locale.ROOT);
    }
}
