package org.charlab.model;

import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/**
 * ChatML with a Qwen3-style think block. A conversation renders exactly as
 * <pre>
 * &lt;|im_start|&gt;system\n{system}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;user\n{user}&lt;|im_end|&gt;\n
 * &lt;|im_start|&gt;assistant\n&lt;think&gt;\n{cot}\n&lt;/think&gt;\n\n{output}&lt;|im_end|&gt;\n
 * </pre>
 * An assistant message without reasoning (reasoning == null) has no think block:
 * {@code <|im_start|>assistant\n{output}<|im_end|>\n}. Text is never trimmed, so CoT and output
 * round-trip byte-exact through {@link #parseAssistant}. Chat markers are special-token ids, never
 * tokenised text; each text piece is tokenised on its own, so segment boundaries are token
 * boundaries (with a BPE tokenizer this can differ from tokenising the whole string at a seam such
 * as ".\n"; with the byte tokenizer it is identical).
 *
 * <p>A generation prompt ends with {@code <|im_start|>assistant\n} plus the rendering of a
 * {@link Prefill} (by default {@code <think>\n}, so the model starts in its CoT).
 */
public final class ChatFormat {

    private final Tokenizer tok;
    private final int imStart;
    private final int imEnd;
    private final int think;
    private final int thinkEnd;

    public ChatFormat(Tokenizer tokenizer) {
        this.tok = tokenizer;
        this.imStart = tokenizer.specialId(Tokenizer.IM_START);
        this.imEnd = tokenizer.specialId(Tokenizer.IM_END);
        this.think = tokenizer.specialId(Tokenizer.THINK);
        this.thinkEnd = tokenizer.specialId(Tokenizer.THINK_END);
    }

    public Tokenizer tokenizer() {
        return tok;
    }

    /** Id of {@code <|im_end|>}, where generation stops. */
    public int imEndId() {
        return imEnd;
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

    private final class Builder {
        final List<Integer> ids = new ArrayList<>();
        final List<Segment> seg = new ArrayList<>();
        final List<Integer> msg = new ArrayList<>();
        final List<Boolean> produced = new ArrayList<>();
        final List<Boolean> assistant = new ArrayList<>();
        int message;
        boolean inAssistant;
        boolean speaking;

        void special(int id) {
            add(id, Segment.SPECIAL);
        }

        void text(String s, Segment segment) {
            for (int id : tok.encode(s)) {
                add(id, segment);
            }
        }

        void add(int id, Segment segment) {
            ids.add(id);
            seg.add(segment);
            msg.add(message);
            produced.add(speaking);
            assistant.add(inAssistant);
        }

        void header(Role role) {
            inAssistant = role == Role.ASSISTANT;
            speaking = false;
            special(imStart);
            text(role.label() + "\n", Segment.SPECIAL);
            speaking = true;
        }

        void thinkBlock(String cot, boolean close) {
            special(think);
            text("\n", Segment.SPECIAL);
            text(cot, Segment.COT);
            if (close) {
                text("\n", Segment.SPECIAL);
                special(thinkEnd);
                text("\n\n", Segment.SPECIAL);
            }
        }

        void end() {
            special(imEnd);
            speaking = false;
            text("\n", Segment.SPECIAL);
        }

        FormattedChat build() {
            int n = ids.size();
            int[] a = new int[n];
            Segment[] s = new Segment[n];
            int[] m = new int[n];
            boolean[] p = new boolean[n];
            boolean[] as = new boolean[n];
            for (int i = 0; i < n; i++) {
                a[i] = ids.get(i);
                s[i] = seg.get(i);
                m[i] = msg.get(i);
                p[i] = produced.get(i);
                as[i] = assistant.get(i);
            }
            return new FormattedChat(a, s, m, p, as);
        }
    }

    private void messages(Builder b, List<Message> messages) {
        for (int i = 0; i < messages.size(); i++) {
            Message msg = messages.get(i);
            b.message = i;
            b.header(msg.role());
            switch (msg.role()) {
                case SYSTEM -> b.text(msg.content(), Segment.SYSTEM);
                case USER -> b.text(msg.content(), Segment.USER);
                case ASSISTANT -> {
                    if (msg.reasoning() != null) {
                        b.thinkBlock(msg.reasoning(), true);
                    }
                    b.text(msg.content(), Segment.OUTPUT);
                }
                default -> throw new IllegalStateException();
            }
            b.end();
        }
    }

    /** The whole conversation (every message closed with {@code <|im_end|>\n}). */
    public FormattedChat format(Conversation conversation) {
        Builder b = new Builder();
        messages(b, conversation.messages());
        return b.build();
    }

    /**
     * A generation prompt: {@code conversation}'s messages (a final assistant message is dropped,
     * see {@link Conversation#prompt()}), then an open assistant turn started with {@code prefill}.
     */
    public FormattedChat prompt(Conversation conversation, Prefill prefill) {
        Builder b = new Builder();
        List<Message> msgs = conversation.prompt().messages();
        messages(b, msgs);
        b.message = msgs.size();
        b.header(Role.ASSISTANT);
        if (prefill.think()) {
            b.thinkBlock(prefill.cot(), prefill.closeThink());
        }
        b.text(prefill.output(), Segment.OUTPUT);
        return b.build();
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
    public static AssistantText parseAssistant(String text) {
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

    /** Decodes assistant-turn token ids (stopping at the first {@code <|im_end|>}) and parses them. */
    public AssistantText parseAssistant(int[] ids) {
        int n = 0;
        while (n < ids.length && ids[n] != imEnd) {
            n++;
        }
        return parseAssistant(tok.decode(java.util.Arrays.copyOf(ids, n)));
    }

    private static int count(String s, String sub) {
        int c = 0;
        for (int i = s.indexOf(sub); i >= 0; i = s.indexOf(sub, i + sub.length())) {
            c++;
        }
        return c;
    }
}
