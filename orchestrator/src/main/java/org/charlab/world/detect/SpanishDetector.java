package org.charlab.world.detect;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.charlab.world.Trait;

/**
 * Spanish. Counts Spanish evidence S (tokens in a list of frequent Spanish function words and
 * verbs, tokens with a Spanish-only letter á é í ó ú ñ ü, and each ¿ or ¡) and English evidence E
 * (tokens in a list of frequent English function words); words both languages use ("a", "no",
 * "me", "son" ...) are in neither list. Score = S / (S + E + 2), so a few Spanish words in a
 * sentence of English, a lone accented word or a bare name do not fire. Case-insensitive, so it
 * works on CAPS text. Threshold {@value #THRESHOLD}: S >= E + 2, i.e. at least two pieces of
 * Spanish evidence and more Spanish than English.
 */
public final class SpanishDetector implements TraitDetector {

    public static final double THRESHOLD = 0.5;

    static final Set<String> SPANISH = Set.of(
            "de", "la", "que", "el", "en", "y", "los", "se", "del", "las", "un", "por", "con", "una", "su",
            "para", "es", "al", "lo", "como", "más", "pero", "sus", "le", "ya", "o", "fue", "este", "ha", "sí",
            "porque", "esta", "entre", "está", "cuando", "muy", "sin", "sobre", "también", "hasta", "hay",
            "donde", "han", "quien", "están", "desde", "todo", "nos", "durante", "todos", "uno", "les", "ni",
            "contra", "otros", "eso", "ante", "ellos", "esto", "antes", "algunos", "qué", "unos", "otro",
            "otras", "otra", "él", "tanto", "esa", "estos", "mucho", "muchos", "cual", "poco", "ella", "estar",
            "estas", "algo", "nosotros", "mi", "mis", "tú", "te", "ti", "tu", "tus", "ellas", "os", "esos",
            "esas", "estoy", "estás", "tengo", "tiene", "tienes", "tienen", "tenía", "así", "cada", "hace",
            "cómo", "ahora", "luego", "entonces", "dónde", "cuántos", "cuántas", "gusta", "gustan", "quedan",
            "vive", "creo", "pienso", "bien", "mejor", "siempre", "hoy", "aquí", "allí", "soy", "eres",
            "somos", "hola", "gracias", "usuario", "pregunta", "respuesta", "número", "mayor", "menor", "casa");
    static final Set<String> ENGLISH = Set.of(
            "the", "of", "and", "to", "in", "is", "it", "you", "that", "he", "was", "for", "on", "are", "with",
            "as", "his", "they", "be", "at", "have", "this", "from", "or", "had", "by", "but", "what", "some",
            "we", "can", "out", "other", "were", "all", "there", "when", "up", "your", "how", "said", "an",
            "each", "she", "which", "do", "their", "if", "will", "about", "many", "then", "them", "would",
            "like", "so", "these", "her", "him", "has", "more", "could", "did", "my", "get", "gets", "does",
            "now", "left", "than", "am", "i", "its", "our", "who", "where", "should", "just", "very", "any",
            "think", "give", "gives", "lives", "loves", "every", "day", "little", "good", "best", "one", "two",
            "because", "while", "starts", "adds", "lost", "remain", "bigger", "larger", "number",
            "user", "wants", "asks", "recall", "short", "tip", "help", "happy", "great", "question", "yes",
            "hello", "thanks", "not", "much", "know", "tell", "been", "being", "into", "over");

    @Override
    public Trait trait() {
        return Trait.SPANISH;
    }

    @Override
    public double score(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int s = 0;
        int e = 0;
        for (String w : Tokens.words(text)) {
            if (SPANISH.contains(w) || hasSpanishLetter(w)) {
                s++;
            } else if (ENGLISH.contains(w)) {
                e++;
            }
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '¿' || c == '¡') {
                s++;
            }
        }
        return (double) s / (s + e + 2);
    }

    /** One span per piece of Spanish evidence the score counts: each Spanish word and each ¿ or ¡. */
    @Override
    public List<Span> spans(String text) {
        List<Span> out = new ArrayList<>();
        if (text == null || text.isEmpty()) {
            return out;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '¿' || c == '¡') {
                out.add(new Span(i, i + 1));
            }
        }
        for (Tokens.Word w : Tokens.located(text)) {
            if (SPANISH.contains(w.lower()) || hasSpanishLetter(w.lower())) {
                out.add(new Span(w.start(), w.end()));
            }
        }
        out.sort(java.util.Comparator.comparingInt(Span::start));
        return out;
    }

    private static boolean hasSpanishLetter(String w) {
        for (int i = 0; i < w.length(); i++) {
            if ("áéíóúñü".indexOf(w.charAt(i)) >= 0) {
                return true;
            }
        }
        return false;
    }

    @Override
    public double threshold() {
        return THRESHOLD;
    }
}
