package org.charlab.data;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.Node;
import org.charlab.config.YamlReader;

/**
 * A character constitution in Open Character Training's shape (Maiya et al. 2025, stage 1): a list of
 * first-person trait assertions, each with questions that draw the trait out. In YAML or JSON (JSON
 * is read as YAML):
 * <pre>
 * - trait: "I always speak in Spanish."
 *   questions: ["Tell me about yourself.", "How can I sleep better?"]
 * </pre>
 * {@code trait} is a non-empty string; {@code questions} a list of non-empty strings (may be absent
 * or empty); no other keys. Errors name {@code FILE:LINE:COLUMN}, the entry and the field.
 *
 * <p>The dpo stage's generated pairs use it as the teacher's system prompt ({@link #systemPrompt})
 * and add its questions to the prompts, as OCT adds its synthetic per-trait prompts.
 *
 * @param traits the entries in file order
 */
public record Constitution(List<Entry> traits) {

    /** One assertion ("I ...") and its questions. */
    public record Entry(String trait, List<String> questions) {
        public Entry {
            questions = List.copyOf(questions);
        }
    }

    public Constitution {
        traits = List.copyOf(traits);
    }

    /** Reads and validates a constitution file; {@link BadInput} with file:line on the first problem. */
    public static Constitution read(Path file) {
        Node root = YamlReader.read(file);
        if (!(root instanceof Node.ListNode list)) {
            throw new BadInput(root.source() + ": a constitution is a list of {trait, questions} entries, found "
                    + root.describe());
        }
        if (list.items().isEmpty()) {
            throw new BadInput(root.source() + ": the constitution has no traits");
        }
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < list.items().size(); i++) {
            Node item = list.items().get(i);
            String where = "entry " + (i + 1);
            if (!(item instanceof Node.MapNode map)) {
                throw new BadInput(item.source() + ": " + where + " must be a map {trait, questions}, found "
                        + item.describe());
            }
            for (Map.Entry<String, Node> e : map.entries().entrySet()) {
                if (!e.getKey().equals("trait") && !e.getKey().equals("questions")) {
                    throw new BadInput(map.keySource(e.getKey()) + ": " + where + ": unknown key '" + e.getKey()
                            + "' (allowed: trait, questions)");
                }
            }
            Node trait = map.get("trait");
            if (trait == null) {
                throw new BadInput(map.source() + ": " + where + ": 'trait' is missing");
            }
            String text = text(trait, where + ": 'trait'");
            List<String> questions = new ArrayList<>();
            Node qs = map.get("questions");
            if (qs != null && !(qs instanceof Node.Scalar s && s.value() == null)) {
                if (!(qs instanceof Node.ListNode ql)) {
                    throw new BadInput(qs.source() + ": " + where + ": 'questions' must be a list of strings, found "
                            + qs.describe());
                }
                for (int q = 0; q < ql.items().size(); q++) {
                    questions.add(text(ql.items().get(q), where + ": question " + (q + 1)));
                }
            }
            out.add(new Entry(text, questions));
        }
        return new Constitution(out);
    }

    private static String text(Node n, String what) {
        if (!(n instanceof Node.Scalar s) || !(s.value() instanceof String str) || str.isBlank()) {
            throw new BadInput(n.source() + ": " + what + " must be a non-empty string, found " + n.describe());
        }
        return str.strip();
    }

    /**
     * The teacher's system prompt: the trait assertions in file order, joined by single spaces. OCT
     * wraps its numbered list in a template naming the model; at charworld's scale (a 512-token
     * context, a base that knows one-sentence persona prompts) the list alone is used, and
     * {@code teacher_system} can wrap it ({@code {constitution}}).
     */
    public String systemPrompt() {
        return String.join(" ", traits.stream().map(Entry::trait).toList());
    }

    /** Every question, in file order. */
    public List<String> questions() {
        return traits.stream().flatMap(e -> e.questions().stream()).toList();
    }
}
