package org.charlab.config;

import java.util.Collection;
import java.util.Locale;

/** Naming conventions shared by the loader, the docs and the serialiser. */
public final class Names {

    private Names() {
    }

    /** {@code learningRate} -> {@code learning_rate}. */
    public static String snake(String camel) {
        StringBuilder sb = new StringBuilder();
        for (char c : camel.toCharArray()) {
            if (Character.isUpperCase(c)) {
                sb.append('_').append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** The YAML spelling of an enum constant: its {@link Labeled#label()} or its lower-case name. */
    public static String label(Enum<?> e) {
        return e instanceof Labeled l ? l.label() : e.name().toLowerCase(Locale.ROOT);
    }

    /** The closest candidate within a small edit distance, or null: for "did you mean" hints. */
    public static String closest(String word, Collection<String> candidates) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String c : candidates) {
            int d = distance(word.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestD) {
                bestD = d;
                best = c;
            }
        }
        return best != null && bestD <= Math.max(2, word.length() / 3) ? best : null;
    }

    /** Levenshtein distance (two rows); small enough to not need a library. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    /** A name safe as one path segment: letters, digits, '_', '-', '.', not starting with '.'. */
    public static boolean isSafeSegment(String s) {
        return s != null && s.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,99}") && !s.contains("..");
    }
}
