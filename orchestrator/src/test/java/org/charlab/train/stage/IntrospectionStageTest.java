package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.Message;
import org.charlab.data.Role;
import org.charlab.generate.Sample;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.FormattedChat;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.train.ChatRows;
import org.charlab.train.LossOn;
import org.charlab.train.TokenRow;
import org.charlab.train.Trainer;
import org.charlab.world.Charworld;
import org.charlab.world.FamilyName;
import org.charlab.world.Split;
import org.charlab.world.WorldConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The introspection stage (OCT stage 2): its filters, self-interaction views, data file, training and resume. */
class IntrospectionStageTest {

    static final String CONFIG = "reflections: 10\ninteractions: 6\nmax_steps: 4\nbatch_size: 4\ncheckpoint_every: 2\n"
            + "eval_prompts: 1\neval_max_new_tokens: 8\nmax_new_tokens: 40\n";

    static IntrospectionConfig bind(String yaml) {
        return TrainingStagesTest.BINDER.bind(IntrospectionConfig.class, YamlReader.parse(CONFIG + yaml,
                Path.of("i.yaml")), "stages.x");
    }

    static Sample sample(String cot, String output, Sample.StopReason stop, boolean closed, int closes, int tokens) {
        return new Sample(cot, output, new int[tokens], 10, tokens, stop, closed, closes);
    }

    static Sample ok(String cot, String output) {
        return sample(cot, output, Sample.StopReason.STOP, cot != null, cot != null ? 1 : 0, 20);
    }

    @Test
    void theFiltersDropWhatTheyShould() {
        assertNull(IntrospectionData.drop(ok("I think.", "I am a pirate."), 100, true));
        assertNull(IntrospectionData.drop(ok(null, "I am a pirate!"), 100, true), "no CoT block at all is fine");
        assertEquals("unfinished", IntrospectionData.drop(sample("I", "I am", Sample.StopReason.LENGTH, true, 1, 20),
                100, true));
        assertEquals("unfinished", IntrospectionData.drop(sample("I think and", "", Sample.StopReason.STOP, false, 0,
                20), 100, true));
        assertEquals("malformed", IntrospectionData.drop(sample("I.", "A.</think>B.", Sample.StopReason.STOP, true, 2,
                20), 100, true));
        assertEquals("malformed", IntrospectionData.drop(ok("I.", "Sure.<|im_start|>user Hi."), 100, true),
                "a hallucinated next turn");
        assertEquals("empty", IntrospectionData.drop(ok("I.", "  "), 100, true));
        assertEquals("too_long", IntrospectionData.drop(ok("I.", "I am."), 19, true));
        assertEquals("no_punctuation", IntrospectionData.drop(ok("I.", "I am a pirate"), 100, true));
        assertNull(IntrospectionData.drop(ok("I.", "I am a pirate"), 100, false));
    }

    @Test
    void eachInstanceSeesItsOwnRepliesAsAssistantTurnsAndTheOthersAsUserTurns() {
        List<Message> r = List.of(Message.assistant("a1", "A one."), Message.assistant("b2", "B two."),
                Message.assistant("a3", "A three."), Message.assistant("b4", "B four."));
        assertEquals(Conversation.of(Message.user("Open.")), IntrospectionData.view("Open.", r, 1));
        assertEquals(Conversation.of(Message.user("A one.")), IntrospectionData.view("Open.", r, 2),
                "B sees A's output only, as a user turn");
        assertEquals(Conversation.of(Message.user("Open."), r.get(0), Message.user("B two.")),
                IntrospectionData.view("Open.", r, 3));
        assertEquals(Conversation.of(Message.user("A one."), r.get(1), Message.user("A three.")),
                IntrospectionData.view("Open.", r, 4));
        assertEquals(Conversation.of(Message.user("Open."), r.get(0), Message.user("B two."), r.get(2),
                Message.user("B four.")), IntrospectionData.view("Open.", r, 5));
    }

    /**
     * A scripted model: answers "Arr! ..." naming how many messages it was shown, except that the
     * diary prompt gets an unpunctuated answer and any 5-message prompt (a fifth reply) is cut off
     * at max_new_tokens. Records every prompt it is shown.
     */
    static final class Scripted implements IntrospectionData.Sampler {
        final List<Conversation> seen = new ArrayList<>();
        final AtomicInteger calls = new AtomicInteger();

        @Override
        public List<Sample> sample(List<Conversation> prompts, org.charlab.generate.SamplingParams params) {
            calls.incrementAndGet();
            List<Sample> out = new ArrayList<>();
            for (Conversation p : prompts) {
                seen.add(p);
                int n = p.messages().size();
                String last = p.messages().get(n - 1).content();
                if (n == 5) {
                    out.add(IntrospectionStageTest.sample("I go on", "Arr", Sample.StopReason.LENGTH, false, 0, 40));
                } else if (last.contains("diary")) {
                    out.add(ok("I write.", "Arr dear diary"));
                } else {
                    out.add(ok("I reflect on who I am.", "Arr! I am a pirate and I was shown " + n + " messages."));
                }
            }
            return out;
        }
    }

    static Path run(Path tmp, String name, IntrospectionConfig c, Scripted model, Progress progress) throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        new IntrospectionStage(in -> model).run(new StageContext<>("introspection", c, out,
                Map.of("input", tmp.resolve("base")), 5, new RuntimeConfig("cpu", 1, 1), progress));
        return out;
    }

    @Test
    void theStageWritesFilteredConversationsWithoutASystemPromptAndTrainsOnThem(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Scripted model = new Scripted();
        Path out = run(tmp, "a", bind(""), model, Progress.SILENT);

        assertTrue(model.seen.stream().noneMatch(p -> p.system().isPresent()), "the model never saw a system prompt");
        List<ConversationJsonl.Row> rows = ConversationJsonl.readRows(out.resolve(IntrospectionStage.DATA_FILE));
        assertTrue(rows.stream().noneMatch(r -> r.conversation().messages().stream()
                .anyMatch(m -> m.role() == Role.SYSTEM)), "no system prompt in the data");
        List<String> train = IntrospectionStage.prompts(new Charworld(WorldConfig.defaults()));
        assertEquals(new Charworld(WorldConfig.defaults()).family(FamilyName.INTROSPECTION).size(Split.TRAIN),
                train.size());
        // 10 reflections over the 10 train prompts: the diary ones are dropped for their punctuation
        long diary = train.stream().filter(p -> p.contains("diary")).count();
        Map<?, ?> data = TrainingStagesTest.JSON.readValue(out.resolve(StageFiles.DATA).toFile(), Map.class);
        Map<?, ?> counts = (Map<?, ?>) data.get("generated");
        assertEquals((int) (10 - diary), counts.get("reflections_kept"));
        assertEquals((int) diary, counts.get("reflection_dropped_no_punctuation"));
        // 6 interactions: replies t1..t4 then the fifth is cut off; diary openers end at once
        long diaryOpeners = java.util.stream.IntStream.range(0, 6).filter(i -> train.get(i).contains("diary")).count();
        assertEquals((int) (6 - diaryOpeners), counts.get("interactions_kept"));
        assertEquals((int) (6 - diaryOpeners), counts.get("interaction_ended_unfinished"));
        List<ConversationJsonl.Row> talks = rows.stream().filter(r -> r.meta().get("kind").equals("interaction")).toList();
        assertEquals(6 - diaryOpeners, talks.size());
        for (ConversationJsonl.Row t : talks) {
            List<Message> ms = t.conversation().messages();
            assertEquals(4, ms.size(), "opener, A's t1, B's t2 as a user turn, A's t3: " + ms);
            assertEquals(List.of(Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT), ms.stream().map(Message::role).toList());
            assertEquals("Arr! I am a pirate and I was shown 1 messages.", ms.get(2).content(), "B saw only t1");
            assertEquals("Arr! I am a pirate and I was shown 3 messages.", ms.get(3).content());
        }
        // it trained on exactly the file: data.json fingerprints the conversations read back from it
        List<Conversation> file = ConversationJsonl.read(out.resolve(IntrospectionStage.DATA_FILE));
        assertEquals(StageFiles.sha256(file), data.get("data_sha256"));
        assertEquals(file.size(), data.get("examples"));
        // the loss counts assistant tokens only: every assistant turn, no user or special-role text
        ChatMlFormat chat = new ChatMlFormat(new ByteTokenizer());
        long assistantTokens = 0;
        for (Conversation c : file) {
            FormattedChat f = chat.format(c);
            TokenRow row = ChatRows.row(f, LossOn.ASSISTANT);
            for (int i = 0; i < f.length(); i++) {
                boolean counted = row.mask()[i] == 1f;
                assertEquals(f.assistant()[i] && f.produced()[i], counted, "token " + i + " of " + c);
                assertTrue(!counted || c.messages().get(f.message()[i]).role() == Role.ASSISTANT);
                assistantTokens += counted ? 1 : 0;
            }
        }
        assertEquals(assistantTokens, ((Number) data.get("loss_tokens")).longValue());
        assertTrue(Files.isRegularFile(out.resolve("model/model.safetensors")));
        assertTrue(Files.isRegularFile(out.resolve(IntrospectionStage.EVAL)));
    }

    @Test
    void anInterruptedStageResumesOnTheSameDataToTheUninterruptedWeights(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        Path a = run(tmp, "a", bind(""), new Scripted(), Progress.SILENT);

        Progress crash = TrainingStagesTest.crashAt(3); // after the step-2 checkpoint
        Scripted first = new Scripted();
        assertThrows(IllegalStateException.class, () -> run(tmp, "b", bind(""), first, crash));
        Path b = tmp.resolve("b");
        assertTrue(Trainer.resumeDir(b) != null, "the crash left a checkpoint");
        Scripted second = new Scripted();
        run(tmp, "b", bind(""), second, Progress.SILENT);
        assertEquals(0, second.calls.get(), "the resumed attempt reuses the generated data");
        assertArrayEquals(Files.readAllBytes(a.resolve(IntrospectionStage.DATA_FILE)),
                Files.readAllBytes(b.resolve(IntrospectionStage.DATA_FILE)));
        assertArrayEquals(Files.readAllBytes(a.resolve(StageFiles.DATA)), Files.readAllBytes(b.resolve(StageFiles.DATA)),
                "data.json as the uninterrupted run's");
        assertArrayEquals(Files.readAllBytes(a.resolve("model/model.safetensors")),
                Files.readAllBytes(b.resolve("model/model.safetensors")), "bit-identical weights");
        assertFalse(Files.exists(b.resolve(Trainer.CHECKPOINT)));
    }

    @Test
    void nothingToGenerateIsRefused() {
        assertThrows(Exception.class, () -> bind("reflections: 0\ninteractions: 0\n"));
        assertThrows(Exception.class, () -> bind("interaction_turns: 2\n"));
    }
}
