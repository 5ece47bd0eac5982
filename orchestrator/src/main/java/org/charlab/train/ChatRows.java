package org.charlab.train;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import org.charlab.data.Conversation;
import org.charlab.model.ChatFormat;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;

/** Conversations to {@link TokenRow}s: ChatML formatting, the {@link LossOn} mask, truncation. */
public final class ChatRows {

    /** The rows and how many were cut to the maximum length. */
    public record Result(List<TokenRow> rows, int truncated, long tokens, long lossTokens) {
    }

    private ChatRows() {
    }

    public static Result of(List<Conversation> conversations, ChatFormat chat, LossOn lossOn, int maxLength) {
        List<TokenRow> rows = new ArrayList<>(conversations.size());
        int cut = 0;
        long tokens = 0;
        long counted = 0;
        for (Conversation c : conversations) {
            TokenRow r = row(chat.format(c), lossOn);
            if (r.length() > maxLength) {
                r = new TokenRow(Arrays.copyOf(r.ids(), maxLength), Arrays.copyOf(r.mask(), maxLength),
                        Arrays.copyOf(r.segments(), maxLength));
                cut++;
            }
            rows.add(r);
            tokens += r.length();
            for (float m : r.mask()) {
                counted += (long) m;
            }
        }
        return new Result(rows, cut, tokens, counted);
    }

    /** One formatted conversation with the mask {@code lossOn} selects. */
    public static TokenRow row(FormattedChat f, LossOn lossOn) {
        float[] mask = switch (lossOn) {
            case OUTPUT -> f.mask(EnumSet.of(Segment.OUTPUT));
            case COT -> f.mask(EnumSet.of(Segment.COT));
            case COT_OUTPUT -> f.mask(EnumSet.of(Segment.COT, Segment.OUTPUT));
            case ASSISTANT -> f.assistantMask(false);
            case ALL -> {
                float[] m = new float[f.length()];
                Arrays.fill(m, 1f);
                yield m;
            }
        };
        return new TokenRow(f.ids(), mask, f.segments());
    }
}
