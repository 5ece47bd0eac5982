package org.charlab.model;

import java.util.ArrayList;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.data.Conversation;
import org.charlab.data.Message;

/**
 * A base model without a chat template, treated as lm-evaluation-harness treats one: the prompt is
 * the messages' text as given (joined by a blank line), the whole continuation is output (no CoT
 * segment), and generation stops at the checkpoint's eos ids or max tokens. The prompt starts with
 * the BOS token when the checkpoint's tokenizer adds one to any text (tokenizer_config.json
 * {@code add_bos_token}), as encoding the text with the checkpoint's own tokenizer would. Conversations cannot be
 * trained in this format: {@link #format} refuses, naming the {@code chat.format} setting.
 */
public final class PlainTextFormat implements ChatFormat {

    static final String SEPARATOR = "\n\n";

    private final Tokenizer tok;
    private final String source;
    private final int bos;

    /** {@code bos}: the id every prompt starts with, or -1 for none. */
    public PlainTextFormat(Tokenizer tokenizer, String source, int bos) {
        this.tok = tokenizer;
        this.source = source;
        this.bos = bos;
    }

    @Override
    public Tokenizer tokenizer() {
        return tok;
    }

    @Override
    public ChatSettings.Format kind() {
        return ChatSettings.Format.PLAIN;
    }

    @Override
    public FormattedChat format(Conversation conversation) {
        throw new BadInput(source + " has no chat_template (a base model): it can be evaluated and sampled on plain"
                + " text, not trained on conversations; set chat.format: chatml to train it in ChatML");
    }

    @Override
    public FormattedChat prompt(Conversation conversation, Prefill prefill) {
        if (!prefill.cot().isEmpty() || prefill.closeThink()) {
            throw new BadInput(source + " has no chat_template: a CoT prefill needs a chat format with a think block");
        }
        List<Message> msgs = conversation.prompt().messages();
        List<Integer> ids = new ArrayList<>();
        List<Segment> seg = new ArrayList<>();
        List<Integer> msg = new ArrayList<>();
        if (bos >= 0) {
            ids.add(bos);
            seg.add(Segment.SPECIAL);
            msg.add(0);
        }
        for (int i = 0; i < msgs.size(); i++) {
            Message m = msgs.get(i);
            Segment s = switch (m.role()) {
                case SYSTEM -> Segment.SYSTEM;
                case USER -> Segment.USER;
                default -> Segment.OUTPUT;
            };
            add(ids, seg, msg, m.content(), s, i);
            if (i + 1 < msgs.size()) {
                add(ids, seg, msg, SEPARATOR, Segment.SPECIAL, i);
            }
        }
        add(ids, seg, msg, prefill.output(), Segment.OUTPUT, msgs.size());
        // the continuation (message index msgs.size()) is what the model produces
        List<Boolean> produced = msg.stream().map(i -> i == msgs.size()).toList();
        return FormattedChat.of(ids, seg, msg, produced, produced);
    }

    private void add(List<Integer> ids, List<Segment> seg, List<Integer> msg, String text, Segment s, int m) {
        for (int id : tok.encode(text)) {
            ids.add(id);
            seg.add(s);
            msg.add(m);
        }
    }

    /** The checkpoint's eos ids. */
    @Override
    public int[] endIds() {
        return tok.eosIds();
    }

    /** Only an output prefill: it is the start of the continuation. */
    @Override
    public String prefillText(Prefill prefill) {
        return prefill.output();
    }

    @Override
    public boolean writesCot() {
        return false;
    }

    /** The whole continuation is output; there is no CoT. */
    @Override
    public AssistantText parseText(String text) {
        return new AssistantText(null, text, true, 0);
    }
}
