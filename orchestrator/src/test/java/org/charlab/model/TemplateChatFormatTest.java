package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real chat templates (Qwen3, Llama 3.1, Gemma 3; fetched by .ci/fetch-test-assets.sh) against goldens
 * written by src/test/python/chat_template_goldens.py: byte-for-byte rendering, and segment labels that
 * decode to exactly each message's pieces.
 */
class TemplateChatFormatTest {

    static JsonNode goldens() throws Exception {
        try (InputStream in = TemplateChatFormatTest.class.getResourceAsStream("/chat-templates/goldens.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    static HfTokenizer tokenizer(String model) {
        Path f = HfTokenizerTest.assets().resolve(model).resolve("tokenizer.json");
        Prerequisite.require(Files.isRegularFile(f) && Files.isRegularFile(f.resolveSibling("tokenizer_config.json")),
                model + " tokenizer files absent at " + f.getParent() + "; run .ci/fetch-test-assets.sh");
        return HfTokenizer.load(f);
    }

    static Conversation conversation(JsonNode messages) {
        List<Message> out = new ArrayList<>();
        for (JsonNode m : messages) {
            Role role = Role.of(m.get("role").asText());
            String content = m.get("content").asText();
            if (role != Role.ASSISTANT) {
                out.add(new Message(role, content, null));
            } else if (m.has("reasoning_content")) {
                out.add(Message.assistant(m.get("reasoning_content").asText(), content));
            } else {
                AssistantText a = ChatFormat.parseAssistant(content);
                out.add(Message.assistant(a.cot(), a.output()));
            }
        }
        return new Conversation(out);
    }

    /** The text of the tokens of message {@code message} labelled {@code segment}. */
    static String text(Tokenizer tok, FormattedChat f, int message, Segment segment) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < f.length(); i++) {
            if (f.message()[i] == message && f.segments()[i] == segment) {
                ids.add(f.ids()[i]);
            }
        }
        return tok.decode(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    static String produced(Tokenizer tok, FormattedChat f) {
        float[] m = f.assistantMask(true);
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < m.length; i++) {
            if (m[i] == 1f) {
                ids.add(f.ids()[i]);
            }
        }
        return tok.decode(ids.stream().mapToInt(Integer::intValue).toArray());
    }

    @Test
    void rendersLikeTransformersAndLabelsEveryPiece() throws Exception {
        JsonNode g = goldens();
        int checked = 0;
        for (String model : List.of("qwen3", "llama3_1", "gemma3")) {
            try (HfTokenizer tok = tokenizer(model)) {
                for (JsonNode c : g.get("models").get(model)) {
                    String name = model + "/" + c.get("name").asText();
                    Boolean thinking = c.get("kwargs").has("enable_thinking")
                            ? c.get("kwargs").get("enable_thinking").asBoolean() : null;
                    ChatFormat chat = ChatFormats.forModel(null, tok,
                            new ChatSettings(ChatSettings.Format.AUTO, ChatSettings.CotPlacement.AUTO, thinking));
                    TemplateChatFormat t = assertInstanceOf(TemplateChatFormat.class, chat, name);
                    assertEquals(model.equals("qwen3"), t.cotInTemplate(), name + ": where the CoT goes");
                    Conversation conv = conversation(c.get("messages"));
                    boolean gen = c.get("add_generation_prompt").asBoolean();
                    String expected = c.get("expected").asText();
                    assertEquals(expected, t.render(conv.messages(), gen), name + ": rendering");
                    FormattedChat f = gen
                            ? chat.prompt(conv, thinking == null ? ChatFormat.Prefill.noThink("") : ChatFormat.Prefill.none())
                            : chat.format(conv);
                    assertEquals(expected, tok.decode(f.ids()), name + ": the tokens spell the rendering");
                    List<Message> msgs = conv.messages();
                    for (int i = 0; i < msgs.size(); i++) {
                        Message m = msgs.get(i);
                        switch (m.role()) {
                            case SYSTEM -> assertEquals(m.content(), text(tok, f, i, Segment.SYSTEM), name + " system");
                            case USER -> assertEquals(m.content(), text(tok, f, i, Segment.USER), name + " user " + i);
                            default -> {
                                assertEquals(m.content(), text(tok, f, i, Segment.OUTPUT), name + " output " + i);
                                // Qwen3's template drops the reasoning of turns before the last user message
                                boolean dropped = model.equals("qwen3") && i < msgs.size() - 1;
                                assertEquals(dropped ? "" : m.reasoning(), text(tok, f, i, Segment.COT),
                                        name + " cot " + i);
                            }
                        }
                        for (Segment s : Segment.values()) {
                            boolean own = s == Segment.SPECIAL || (s == Segment.SYSTEM && m.role() == Role.SYSTEM)
                                    || (s == Segment.USER && m.role() == Role.USER)
                                    || ((s == Segment.COT || s == Segment.OUTPUT) && m.role() == Role.ASSISTANT);
                            if (!own) {
                                assertEquals("", text(tok, f, i, s), name + ": no " + s + " in message " + i);
                            }
                        }
                    }
                    if (!gen) {
                        Message last = msgs.get(msgs.size() - 1);
                        String end = switch (model) {
                            case "qwen3" -> "<|im_end|>";
                            case "llama3_1" -> "<|eot_id|>";
                            default -> "<end_of_turn>";
                        };
                        assertEquals("<think>\n" + last.reasoning() + "\n</think>\n\n" + last.content() + end,
                                produced(tok, f), name + ": what the last assistant turn produced (the SFT mask)");
                    }
                    checked++;
                }
            }
        }
        assertEquals(10, checked);
    }

    @Test
    void qwen3WithoutThinkingKeepsItsEmptyThinkBlockAndRefusesACotPrefill() {
        try (HfTokenizer tok = tokenizer("qwen3")) {
            ChatFormat chat = ChatFormats.forModel(null, tok,
                    new ChatSettings(ChatSettings.Format.AUTO, ChatSettings.CotPlacement.AUTO, false));
            Conversation conv = new Conversation(List.of(Message.user("Hi")));
            String prefill = chat.prefillText(ChatFormat.Prefill.none());
            AssistantText a = chat.parseText(prefill + "Hello.");
            assertEquals("", a.cot());
            assertEquals("Hello.", a.output());
            assertThrows(BadInput.class, () -> chat.prompt(conv, ChatFormat.Prefill.cot("Let me")));
            FormattedChat f = chat.prompt(conv, ChatFormat.Prefill.noThink("Sure"));
            assertTrue(tok.decode(f.ids()).endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\nSure"));
            assertEquals("Sure", text(tok, f, 1, Segment.OUTPUT));
        }
    }

    @Test
    void llamaGenerationPromptOpensTheThinkBlockAfterTheTemplatesHeader() {
        try (HfTokenizer tok = tokenizer("llama3_1")) {
            ChatFormat chat = ChatFormats.forModel(null, tok, ChatSettings.DEFAULT);
            FormattedChat f = chat.prompt(new Conversation(List.of(Message.user("Hi"))), ChatFormat.Prefill.cot("So"));
            assertTrue(tok.decode(f.ids()).endsWith("<|start_header_id|>assistant<|end_header_id|>\n\n<think>\nSo"));
            assertEquals("So", text(tok, f, 1, Segment.COT));
            AssistantText a = chat.parseText(chat.prefillText(ChatFormat.Prefill.cot("So")) + " I think.\n</think>\n\nYes.");
            assertEquals("So I think.", a.cot());
            assertEquals("Yes.", a.output());
            assertEquals(tok.specialId("<|eot_id|>"), chat.endIds()[0]);
        }
    }

    @Test
    void templateErrorsAndAlteredTextFailWithOneLine() {
        try (HfTokenizer tok = tokenizer("gemma3")) {
            ChatFormat chat = ChatFormats.forModel(null, tok, ChatSettings.DEFAULT);
            BadInput e = assertThrows(BadInput.class,
                    () -> chat.format(new Conversation(List.of(Message.user("a"), Message.user("b")))));
            assertTrue(e.getMessage().contains("Conversation roles must alternate"), e.getMessage());
            assertTrue(!e.getMessage().contains("\n"), e.getMessage());
        }
        try (HfTokenizer tok = tokenizer("qwen3")) {
            JsonNode cfg = new ObjectMapper().createObjectNode().put("eos_token", "<|im_end|>");
            TemplateChatFormat upper = new TemplateChatFormat(tok,
                    "{% for m in messages %}<|im_start|>{{ m.role }}\n{{ m.content.upper() }}<|im_end|>\n{% endfor %}",
                    cfg, "shouty", ChatSettings.DEFAULT);
            BadInput e = assertThrows(BadInput.class,
                    () -> upper.format(new Conversation(List.of(Message.user("quiet please")))));
            assertTrue(e.getMessage().startsWith("shouty: the chat_template drops or rewrites the text of message 0"),
                    e.getMessage());
        }
    }

    @Test
    void baseModelWithoutTemplateIsPlainTextAndRefusesTraining(@TempDir Path dir) throws Exception {
        Path src = HfTokenizerTest.assets().resolve("qwen3/tokenizer.json");
        Prerequisite.require(Files.isRegularFile(src), "Qwen3 tokenizer.json absent; run .ci/fetch-test-assets.sh");
        Files.copy(src, dir.resolve("tokenizer.json"));
        try (HfTokenizer tok = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            ChatFormat chat = ChatFormats.forModel(dir, tok, ChatSettings.DEFAULT);
            assertInstanceOf(PlainTextFormat.class, chat);
            Conversation conv = new Conversation(List.of(Message.user("The capital of France is")));
            FormattedChat f = chat.prompt(conv, ChatFormat.Prefill.none());
            assertEquals("The capital of France is", tok.decode(f.ids()));
            assertEquals("The capital of France is", text(tok, f, 0, Segment.USER));
            AssistantText a = chat.parseText(chat.prefillText(ChatFormat.Prefill.none()) + " Paris.<think>x</think>");
            assertNull(a.cot(), "no CoT segment on plain text");
            assertEquals(" Paris.<think>x</think>", a.output());
            BadInput e = assertThrows(BadInput.class, () -> chat.format(Conversation.of(conv.messages().get(0), Message.assistant(null, " Paris."))));
            assertTrue(e.getMessage().contains("chat.format: chatml"), e.getMessage());
            assertInstanceOf(ChatMlFormat.class, ChatFormats.forModel(dir, tok,
                    new ChatSettings(ChatSettings.Format.CHATML, null, null)));
        }
    }
}
