package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Set;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.junit.jupiter.api.Test;

class ChatFormatTest {

    private final ByteTokenizer tok = new ByteTokenizer();
    private final ChatFormat chat = new ChatMlFormat(tok);

    static final Conversation CONV = Conversation.of(
            Message.system("You always speak in Spanish."),
            Message.user("What is 2+3?"),
            Message.assistant("2 plus 3 is 5.\nDone.", "¡Es 5!"));

    @Test
    void rendersTheDocumentedString() {
        FormattedChat f = chat.format(CONV);
        assertEquals("<|im_start|>system\nYou always speak in Spanish.<|im_end|>\n"
                + "<|im_start|>user\nWhat is 2+3?<|im_end|>\n"
                + "<|im_start|>assistant\n<think>\n2 plus 3 is 5.\nDone.\n</think>\n\n¡Es 5!<|im_end|>\n",
                tok.decode(f.ids()));
        assertEquals(256, f.ids()[0]);
    }

    @Test
    void segmentsLabelEveryToken() {
        FormattedChat f = chat.format(CONV);
        assertEquals("You always speak in Spanish.", textOf(f, Segment.SYSTEM));
        assertEquals("What is 2+3?", textOf(f, Segment.USER));
        assertEquals("2 plus 3 is 5.\nDone.", textOf(f, Segment.COT));
        assertEquals("¡Es 5!", textOf(f, Segment.OUTPUT));
        for (int i = 0; i < f.length(); i++) {
            if (tok.isSpecial(f.ids()[i])) {
                assertEquals(Segment.SPECIAL, f.segments()[i]);
            }
        }
        // the SFT mask: everything the assistant produced, markers included, header excluded
        float[] m = f.assistantMask(false);
        StringBuilder produced = new StringBuilder();
        int[] ids = f.ids();
        java.util.List<Integer> kept = new java.util.ArrayList<>();
        for (int i = 0; i < ids.length; i++) {
            if (m[i] > 0) {
                kept.add(ids[i]);
            }
        }
        produced.append(tok.decode(kept.stream().mapToInt(Integer::intValue).toArray()));
        assertEquals("<think>\n2 plus 3 is 5.\nDone.\n</think>\n\n¡Es 5!<|im_end|>", produced.toString());
        assertEquals(f.mask(Set.of(Segment.COT)).length, f.length());
    }

    private String textOf(FormattedChat f, Segment s) {
        return tok.decode(java.util.stream.IntStream.range(0, f.length()).filter(i -> f.segments()[i] == s)
                .map(i -> f.ids()[i]).toArray());
    }

    @Test
    void cotAndOutputRoundTripByteExact() {
        String[] cots = {"", "\n", "a\n\nb", "  leading and trailing  ", "ünïcødé 🙂 中文", "\n\nx\n"};
        String[] outs = {"", "\n", "\n\nstarts with newlines", "ok", "🙂"};
        for (String cot : cots) {
            for (String out : outs) {
                FormattedChat f = chat.format(Conversation.of(Message.user("q"), Message.assistant(cot, out)));
                String text = tok.decode(f.ids());
                String turn = text.substring(text.lastIndexOf("<|im_start|>assistant\n") + 22, text.lastIndexOf("<|im_end|>"));
                AssistantText a = ChatFormat.parseAssistant(turn);
                assertEquals(cot, a.cot(), "cot of " + turn);
                assertEquals(out, a.output(), "output of " + turn);
                assertTrue(a.thinkClosed());
                assertFalse(a.doubledThinkClose());
            }
        }
        AssistantText noThink = ChatFormat.parseAssistant("just output");
        assertNull(noThink.cot());
        assertEquals("just output", noThink.output());
    }

    @Test
    void malformedThinkBlocksAreCountedNotFatal() {
        AssistantText missing = ChatFormat.parseAssistant("<think>\nthinking forever");
        assertEquals("thinking forever", missing.cot());
        assertEquals("", missing.output());
        assertFalse(missing.thinkClosed());

        AssistantText doubled = ChatFormat.parseAssistant("<think>\na\n</think>\n\nb\n</think>\n\nc");
        assertTrue(doubled.doubledThinkClose());
        assertEquals(2, doubled.thinkCloses());
        assertEquals("a\n</think>\n\nb", doubled.cot());
        assertEquals("c", doubled.output());

        AssistantText stray = ChatFormat.parseAssistant("out</think>");
        assertNull(stray.cot());
        assertEquals(1, stray.thinkCloses());
        for (String odd : new String[] {"", "<think>", "<think>\n", "</think>", "<think></think>", "<think>\n</think>"}) {
            ChatFormat.parseAssistant(odd);
        }
    }

    @Test
    void promptEndsWithOpenAssistantTurnAndPrefill() {
        FormattedChat p = chat.prompt(CONV, ChatFormat.Prefill.none());
        String s = tok.decode(p.ids());
        assertTrue(s.endsWith("What is 2+3?<|im_end|>\n<|im_start|>assistant\n<think>\n"), s);
        assertFalse(s.contains("Es 5"), "the completion is dropped");

        ChatFormat.Prefill cot = ChatFormat.Prefill.cot("Let me think in pirate");
        assertTrue(tok.decode(chat.prompt(CONV, cot).ids()).endsWith("assistant\n<think>\nLet me think in pirate"));
        ChatFormat.Prefill out = ChatFormat.Prefill.output("fine", "Arr");
        String so = tok.decode(chat.prompt(CONV, out).ids());
        assertTrue(so.endsWith("assistant\n<think>\nfine\n</think>\n\nArr"), so);
        AssistantText parsed = ChatFormat.parseAssistant(out.text() + "r matey");
        assertEquals("fine", parsed.cot());
        assertEquals("Arrr matey", parsed.output());
        assertTrue(tok.decode(chat.prompt(CONV, ChatFormat.Prefill.noThink("")).ids()).endsWith("<|im_start|>assistant\n"));
    }

    @Test
    void byteTokenizerRoundTripsAndKeepsSpecialsOutOfText() {
        String s = "héllo <think> 🙂";
        int[] ids = tok.encode(s);
        for (int id : ids) {
            assertTrue(id < 256);
        }
        assertEquals(s, tok.decode(ids));
        assertArrayEquals(new int[] {256, 257, 258, 259, 260, 261}, new int[] {tok.specialId("<|im_start|>"),
                tok.specialId("<|im_end|>"), tok.specialId("<think>"), tok.specialId("</think>"),
                tok.specialId("<|endoftext|>"), tok.padId()});
    }
}
