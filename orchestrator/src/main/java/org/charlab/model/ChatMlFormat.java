package org.charlab.model;

import java.util.ArrayList;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/**
 * ChatML with a Qwen3-style think block: the format of charworld's own bases (and of any checkpoint
 * when {@code chat.format: chatml} is chosen). A conversation renders exactly as
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
public final class ChatMlFormat implements ChatFormat {

    private final Tokenizer tok;
    private final int imStart;
    private final int imEnd;
    private final int think;
    private final int thinkEnd;

    public ChatMlFormat(Tokenizer tokenizer) {
        this.tok = tokenizer;
        this.imStart = tokenizer.specialId(Tokenizer.IM_START);
        this.imEnd = tokenizer.specialId(Tokenizer.IM_END);
        this.think = tokenizer.specialId(Tokenizer.THINK);
        this.thinkEnd = tokenizer.specialId(Tokenizer.THINK_END);
    }

    @Override
    public Tokenizer tokenizer() {
        return tok;
    }

    @Override
    public ChatSettings.Format kind() {
        return ChatSettings.Format.CHATML;
    }

    /** Id of {@code <|im_end|>}, where generation stops. */
    public int imEndId() {
        return imEnd;
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
            return FormattedChat.of(ids, seg, msg, produced, assistant);
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
    @Override
    public FormattedChat format(Conversation conversation) {
        Builder b = new Builder();
        messages(b, conversation.messages());
        return b.build();
    }

    /**
     * A generation prompt: {@code conversation}'s messages (a final assistant message is dropped,
     * see {@link Conversation#prompt()}), then an open assistant turn started with {@code prefill}.
     */
    @Override
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

    /** {@code <|im_end|>}, then {@code <|endoftext|>} when the tokenizer has it. */
    @Override
    public int[] endIds() {
        try {
            return new int[] {imEnd, tok.specialId(Tokenizer.END_OF_TEXT)};
        } catch (RuntimeException e) {
            return new int[] {imEnd};
        }
    }
}
