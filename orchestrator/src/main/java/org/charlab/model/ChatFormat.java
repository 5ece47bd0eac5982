package org.charlab.model;

import java.util.Arrays;
import org.charlab.data.Conversation;

/**
 * How a conversation becomes token ids with per-token {@link Segment} labels. Implementations:
 * {@link ChatMlFormat} (charworld's own bases), {@link TemplateChatFormat} (a checkpoint's own
 * Jinja {@code chat_template}) and {@link PlainTextFormat} (a base model without a template).
 * {@link ChatFormats#forModel} picks one; every stage goes through it.
 *
 * <p>Whatever the format, the assistant's text parses the same way: a turn starting with
 * {@code <think>} has a CoT ({@link #parseAssistant(String)}).
 */
public interface ChatFormat {

    Tokenizer tokenizer();

    /** Which of the formats this is (never AUTO): what a stage records and an eval reports. */
    ChatSettings.Format kind();

    /** The whole conversation, every message closed by the format's end token. */
    FormattedChat format(Conversation conversation);

    /**
     * A generation prompt: {@code conversation}'s messages (a final assistant message is dropped,
     * see {@link Conversation#prompt()}), then an open assistant turn started with {@code prefill}.
     */
    FormattedChat prompt(Conversation conversation, Prefill prefill);

    /** Ids that end an assistant turn (generation stops on them). */
    int[] endIds();

    /** Whether an assistant turn can hold a CoT segment (false for a plain-text base model). */
    default boolean writesCot() {
        return true;
    }

    /**
     * The assistant text that {@link #prompt} puts after the assistant header for {@code prefill}: what a
     * generated continuation is appended to before {@link #parseText}. By default {@link Prefill#text()}.
     */
    default String prefillText(Prefill prefill) {
        return prefill.text();
    }

    /** Splits an assistant turn's text into CoT and output; by default {@link #parseAssistant(String)}. */
    default AssistantText parseText(String text) {
        return parseAssistant(text);
    }

    /** Decodes assistant-turn token ids (stopping at the first end id) and parses them. */
    default AssistantText parseAssistant(int[] ids) {
        int[] ends = endIds();
        int n = 0;
        while (n < ids.length && !contains(ends, ids[n])) {
            n++;
        }
        return parseText(tokenizer().decode(Arrays.copyOf(ids, n)));
    }

    private static boolean contains(int[] a, int v) {
        for (int x : a) {
            if (x == v) {
                return true;
            }
        }
        return false;
    }

    /**
     * How the assistant turn of a generation prompt starts.
     *
     * @param think whether to open a think block
     * @param cot CoT text already written (the start of it when {@code closeThink} is false)
     * @param closeThink whether the CoT is complete ({@code \n</think>\n\n} follows it)
     * @param output start of the output (only with a closed or absent think block)
     */
    public record Prefill(boolean think, String cot, boolean closeThink, String output) {

        public Prefill {
            cot = cot == null ? "" : cot;
            output = output == null ? "" : output;
            if (!think && !cot.isEmpty()) {
                throw new IllegalArgumentException("a CoT prefill needs a think block");
            }
            if (think && !closeThink && !output.isEmpty()) {
                throw new IllegalArgumentException("an output prefill needs the think block closed");
            }
        }

        /** Open think block, nothing written yet: the default. */
        public static Prefill none() {
            return new Prefill(true, "", false, "");
        }

        /** The CoT starts with {@code text} (OCT-style or prefill-attack CoT prefills). */
        public static Prefill cot(String text) {
            return new Prefill(true, text, false, "");
        }

        /** A complete CoT, then the output starts with {@code outputStart}. */
        public static Prefill output(String cot, String outputStart) {
            return new Prefill(true, cot, true, outputStart);
        }

        /** No think block; the output starts with {@code outputStart}. */
        public static Prefill noThink(String outputStart) {
            return new Prefill(false, "", false, outputStart);
        }

        /** The assistant text this prefill renders to (what {@link #parseAssistant} sees before the continuation). */
        public String text() {
            if (!think) {
                return output;
            }
            return Tokenizer.THINK + "\n" + cot + (closeThink ? "\n" + Tokenizer.THINK_END + "\n\n" + output : "");
        }
    }

    /**
     * Splits an assistant turn's text (everything after {@code <|im_start|>assistant\n}, without
     * {@code <|im_end|>}) into CoT and output; the inverse of the rendering above, byte-exact.
     * Rules for generated text: a turn starting with {@code <think>} has a CoT (one newline after
     * the marker is template); the split is at the LAST {@code </think>} (as Qwen3's own parser
     * does), dropping one template newline before it and "\n\n" (or "\n") after it; without a
     * {@code </think>} everything is CoT, the output is empty and {@code thinkClosed} is false. A
     * turn not starting with {@code <think>} is all output (cot null). Never throws.
     */
    static AssistantText parseAssistant(String text) {
        String open = Tokenizer.THINK;
        String close = Tokenizer.THINK_END;
        int closes = count(text, close);
        if (!text.startsWith(open)) {
            return new AssistantText(null, text, true, closes);
        }
        String body = text.substring(open.length());
        if (body.startsWith("\n")) {
            body = body.substring(1);
        }
        int at = body.lastIndexOf(close);
        if (at < 0) {
            return new AssistantText(body, "", false, closes);
        }
        String cot = body.substring(0, at);
        if (cot.endsWith("\n")) {
            cot = cot.substring(0, cot.length() - 1);
        }
        String out = body.substring(at + close.length());
        if (out.startsWith("\n\n")) {
            out = out.substring(2);
        } else if (out.startsWith("\n")) {
            out = out.substring(1);
        }
        return new AssistantText(cot, out, true, closes);
    }

    private static int count(String s, String sub) {
        int c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            c++;
        }
        return c;
    }
}
