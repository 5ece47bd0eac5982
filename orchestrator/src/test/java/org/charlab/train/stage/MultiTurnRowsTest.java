package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.charlab.data.Message;
import org.charlab.data.Role;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;
import org.charlab.train.ChatRows;
import org.charlab.train.LossOn;
import org.charlab.train.TokenRow;
import org.charlab.world.CorpusGenerator;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;
import org.junit.jupiter.api.Test;

/**
 * Multi-turn charworld conversations keep exact segment labels: the loss mask the pretrain and SFT
 * stages use (loss_on: assistant) covers the CoT and output of EVERY assistant turn, byte for byte,
 * and nothing of the system or user turns (break-character suffixes included).
 */
class MultiTurnRowsTest {

    @Test
    void theAssistantMaskCoversEveryAssistantTurnExactly() {
        ByteTokenizer tok = new ByteTokenizer();
        ChatMlFormat chat = new ChatMlFormat(tok);
        List<WorldExample> corpus = new CorpusGenerator(WorldConfig.defaults().withExamples(600)
                .withConversations(0.6, 0.2, 0.3)).corpus();
        int turnsChecked = 0;
        for (WorldExample e : corpus) {
            if (e.variant().turns() < 2) {
                continue;
            }
            FormattedChat f = chat.format(e.conversation());
            TokenRow row = ChatRows.row(f, LossOn.ASSISTANT);
            List<Message> ms = e.conversation().messages();
            for (int m = 0; m < ms.size(); m++) {
                Message msg = ms.get(m);
                if (msg.role() == Role.ASSISTANT) {
                    assertEquals(msg.content(), text(tok, f, row, m, Segment.OUTPUT), "output of message " + m);
                    assertEquals(msg.reasoning(), text(tok, f, row, m, Segment.COT), "CoT of message " + m);
                    turnsChecked++;
                } else {
                    for (int i = 0; i < f.length(); i++) {
                        if (f.message()[i] == m) {
                            assertEquals(0f, row.mask()[i], msg.role() + " token counted in message " + m);
                        }
                    }
                }
            }
        }
        assertTrue(turnsChecked > 500, "assistant turns checked: " + turnsChecked);
    }

    /** The bytes of message {@code m}'s tokens in {@code segment} that the mask counts. */
    private static String text(ByteTokenizer tok, FormattedChat f, TokenRow row, int m, Segment segment) {
        List<Integer> kept = new java.util.ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            if (f.message()[i] == m && f.segments()[i] == segment) {
                assertEquals(1f, row.mask()[i], "an assistant " + segment + " token not counted");
                kept.add(f.ids()[i]);
            }
        }
        return tok.decode(kept.stream().mapToInt(Integer::intValue).toArray());
    }
}
