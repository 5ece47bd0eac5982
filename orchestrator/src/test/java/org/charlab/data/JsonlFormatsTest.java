package org.charlab.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import org.charlab.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonlFormatsTest {

    @TempDir Path dir;

    static final Conversation CONV = Conversation.of(
            Message.system("You always speak in Spanish."),
            Message.user("Where does Zorvik live?"),
            Message.assistant("I recall that Zorvik lives in Pell.", "¡Zorvik vive en Pell!"));

    private Path file(String... lines) throws IOException {
        Path f = dir.resolve("data.jsonl");
        Files.writeString(f, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void conversationsRoundTripInBothThinkFormats() throws IOException {
        var meta = new TreeMap<String, String>();
        meta.put("family", "lookup");
        var rows = List.of(new ConversationJsonl.Row(CONV, meta),
                new ConversationJsonl.Row(Conversation.of(Message.user("hi"), Message.assistant(null, "hello"))),
                new ConversationJsonl.Row(Conversation.of(Message.user("x"), Message.assistant("", "y"))));
        for (ThinkFormat f : ThinkFormat.values()) {
            Path p = dir.resolve(f + ".jsonl");
            ConversationJsonl.writeRows(p, rows, f);
            assertEquals(rows, ConversationJsonl.readRows(p), f.toString());
            byte[] first = Files.readAllBytes(p);
            ConversationJsonl.writeRows(p, ConversationJsonl.readRows(p), f);
            assertEquals(new String(first, StandardCharsets.UTF_8), Files.readString(p), "byte-identical rewrite");
        }
        String line = Files.readAllLines(dir.resolve("FIELD.jsonl")).get(0);
        assertTrue(line.contains("¡Zorvik vive en Pell!"), "non-ASCII written as UTF-8, not escaped: " + line);
    }

    @Test
    void thinkBlockInContentBecomesReasoning() throws IOException {
        Path f = file("{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},"
                + "{\"role\":\"assistant\",\"content\":\"<think>\\n12 + 7 = 19.\\n</think>\\n\\nIt is 19.\"}]}");
        Message m = ConversationJsonl.read(f).get(0).completion().orElseThrow();
        assertEquals("12 + 7 = 19.", m.reasoning());
        assertEquals("It is 19.", m.content());
    }

    @Test
    void preferencePairsRoundTripAndAcceptTrlStringShape() throws IOException {
        var pair = new PreferencePair(CONV.prompt(), CONV.completion().orElseThrow(),
                Message.assistant("I recall that Zorvik lives in Pell.", "Zorvik lives in Pell."));
        Path p = dir.resolve("pairs.jsonl");
        PreferencePairJsonl.write(p, List.of(pair));
        assertEquals(List.of(pair), PreferencePairJsonl.read(p));
        PreferencePairJsonl.write(p, List.of(pair), ThinkFormat.BLOCK);
        assertEquals(List.of(pair), PreferencePairJsonl.read(p));

        Path s = file("{\"prompt\":\"The sky is\",\"chosen\":\"<think>sky</think> blue.\",\"rejected\":\" green.\"}");
        PreferencePair q = PreferencePairJsonl.read(s).get(0);
        assertEquals("The sky is", q.prompt().messages().get(0).content());
        assertEquals("sky", q.chosen().reasoning());
        assertEquals(" blue.", q.chosen().content());
        assertNull(q.rejected().reasoning());
    }

    @Test
    void promptItemsRoundTrip() throws IOException {
        var items = List.of(new PromptItem("arithmetic:add:12+7", CONV.prompt(), "19", "arithmetic"),
                new PromptItem("advice:sleep/1", Conversation.of(Message.user("How can I sleep better?")), null, null));
        Path p = dir.resolve("prompts.jsonl");
        PromptItemJsonl.write(p, items);
        assertEquals(items, PromptItemJsonl.read(p));
        Path n = file("{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"answer\":19}");
        assertEquals("19", PromptItemJsonl.read(n).get(0).answer());
    }

    @Test
    void blankLinesAndCrlfAreTolerated() throws IOException {
        Path f = dir.resolve("crlf.jsonl");
        Files.writeString(f, "\r\n{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}\r\n\r\n");
        assertEquals(1, ConversationJsonl.read(f).size());
    }

    static final String GOOD = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}";

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}|invalid JSON",
        "[1,2]|expected a JSON object",
        "{\"msgs\":[]}|missing field 'messages'",
        "{\"messages\":\"hi\"}|'messages' must be an array",
        "{\"messages\":[]}|'messages' is empty",
        "{\"messages\":[{\"role\":\"user\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|missing field 'content'",
        "{\"messages\":[{\"role\":\"user\",\"content\":7},{\"role\":\"assistant\",\"content\":\"a\"}]}|'content' must be a string, found a number",
        "{\"messages\":[{\"role\":\"bot\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|unknown role 'bot'",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"<think>x</think>a\",\"reasoning\":\"x\"}]}|given twice",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"<think>x\"}]}|unclosed <think> block",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"assistant\",\"content\":\"x</think>a\"}]}|'</think>' without '<think>'",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"reasoning\":\"r\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|only assistant messages",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"},{\"role\":\"system\",\"content\":\"s\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|system message may only come first",
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}|no assistant message",
        "{\"messages\":[{\"role\":\"user\",\"contnet\":\"q\"},{\"role\":\"assistant\",\"content\":\"a\"}]}|unknown field 'contnet'",
    })
    void eachBadConversationLineGivesOneFileLineMessage(String bad, String problem) throws IOException {
        Path f = file(GOOD, "", bad, GOOD);
        BadInput e = assertThrows(BadInput.class, () -> ConversationJsonl.read(f));
        assertTrue(e.getMessage().startsWith(f + ":3: "), e.getMessage());
        assertTrue(e.getMessage().contains(problem), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), "one line: " + e.getMessage());
        assertTrue(!e.getMessage().contains("Source:") && !e.getMessage().contains("Exception"), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"chosen\":\"a\",\"rejected\":\"b\"}|missing field 'prompt'",
        "{\"prompt\":\"p\",\"chosen\":\"a\"}|missing field 'rejected'",
        "{\"prompt\":\"p\",\"chosen\":5,\"rejected\":\"b\"}|'chosen' must be an array of messages, found a number",
        "{\"prompt\":\"p\",\"chosen\":[{\"role\":\"user\",\"content\":\"a\"}],\"rejected\":\"b\"}|exactly one assistant message",
        "{\"prompt\":[{\"role\":\"user\",\"content\":\"p\"},{\"role\":\"assistant\",\"content\":\"x\"}],\"chosen\":\"a\",\"rejected\":\"b\"}|ends with an assistant message",
    })
    void eachBadPairLineGivesOneFileLineMessage(String bad, String problem) throws IOException {
        Path f = file("{\"prompt\":\"p\",\"chosen\":\"a\",\"rejected\":\"b\"}", bad);
        BadInput e = assertThrows(BadInput.class, () -> PreferencePairJsonl.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: ") && e.getMessage().contains(problem), e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "{\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}|missing field 'id'",
        "{\"id\":3,\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}|'id' must be a string",
        "{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}|duplicate id 'a'",
        "{\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"answer\":[1]}|'answer' must be a string or a number",
        "{\"id\":\"b\",\"messages\":[{\"role\":\"system\",\"content\":\"q\"}]}|no user message",
        "{\"id\":\"b\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}],\"family\":1}|'family' must be a string",
    })
    void eachBadPromptLineGivesOneFileLineMessage(String bad, String problem) throws IOException {
        Path f = file("{\"id\":\"a\",\"messages\":[{\"role\":\"user\",\"content\":\"q\"}]}", bad);
        BadInput e = assertThrows(BadInput.class, () -> PromptItemJsonl.read(f));
        assertTrue(e.getMessage().startsWith(f + ":2: ") && e.getMessage().contains(problem), e.getMessage());
    }

    @Test
    void invalidUtf8IsReportedWithItsLine() throws IOException {
        Path f = dir.resolve("bad.jsonl");
        byte[] good = (GOOD + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] bytes = new byte[good.length + 3];
        System.arraycopy(good, 0, bytes, 0, good.length);
        bytes[good.length] = '"';
        bytes[good.length + 1] = (byte) 0xC3;
        bytes[good.length + 2] = '"';
        Files.write(f, bytes);
        BadInput e = assertThrows(BadInput.class, () -> ConversationJsonl.read(f));
        assertEquals(f + ":2: not valid UTF-8", e.getMessage());
    }

    @Test
    void missingFileIsBadInputNamingTheFile() {
        Path f = dir.resolve("nope.jsonl");
        BadInput e = assertThrows(BadInput.class, () -> PromptItemJsonl.read(f));
        assertTrue(e.getMessage().startsWith(f + ": cannot read"), e.getMessage());
    }
}
