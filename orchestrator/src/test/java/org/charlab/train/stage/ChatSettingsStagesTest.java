package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.ConfigWriter;
import org.charlab.config.FileRef;
import org.charlab.config.RuntimeConfig;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.eval.EvalConfig;
import org.charlab.eval.EvalStageKind;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Samples;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.ChatSettings;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.HfTokenizer;
import org.charlab.model.ModelConfig;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.charlab.stage.StageContext;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code chat} group from YAML to the stages: binding and one-line refusals, what a training
 * stage records in its model's charlab.json, later stages using the recorded settings without
 * setting chat again, and a mismatching format refused.
 */
class ChatSettingsStagesTest {

    static final RuntimeConfig CPU = new RuntimeConfig("cpu", 1, 1);

    static <C extends Record> C bind(Class<C> type, String yaml) {
        return TrainingStagesTest.BINDER.bind(type, YamlReader.parse(yaml, Path.of("study.yaml")), "stages.x");
    }

    @Test
    void chatBindsOnEveryStageThatTakesItAndBadValuesFailInOneLine(@TempDir Path tmp) throws Exception {
        ChatSettings expected = new ChatSettings(ChatSettings.Format.CHATML, ChatSettings.CotPlacement.CONTENT, false);
        String yaml = "chat: {format: chatml, cot: content, enable_thinking: false}\n";
        assertEquals(expected, bind(SftConfig.class, yaml).shared().chat());
        assertEquals(expected, bind(DpoConfig.class, yaml).shared().chat());
        assertEquals(expected, bind(OpdConfig.class, yaml).shared().chat());
        assertEquals(expected, bind(EvalConfig.class, yaml).chat());
        Files.createDirectories(tmp.resolve("m"));
        assertEquals(expected, bind(CheckpointConfig.class, "path: " + tmp.resolve("m") + "\n" + yaml).chat());
        // an empty group is all defaults; an absent one is null (the stage sets nothing)
        assertEquals(ChatSettings.DEFAULT, bind(SftConfig.class, "chat: {}\n").shared().chat());
        assertNull(bind(SftConfig.class, "{}").shared().chat());
        // set, it is part of the stage's config (so of its key); unset, it is left out
        @SuppressWarnings("unchecked")
        Map<String, Object> keyed = (Map<String, Object>) ConfigWriter.toPlain(bind(SftConfig.class, yaml));
        assertEquals(Map.of("format", "chatml", "cot", "content", "enable_thinking", false), keyed.get("chat"));
        assertNotEquals(ChatKeyPinTest.keyOf(bind(SftConfig.class, "{}")),
                ChatKeyPinTest.keyOf(bind(SftConfig.class, "chat: {format: chatml}\n")));

        for (String[] bad : new String[][] {
                {"chat: {format: chatxml}\n", "stages.x.chat.format", "'chatxml' is not one of auto, chatml, template, plain"},
                {"chat: {cot: inline}\n", "stages.x.chat.cot", "'inline' is not one of auto, template, content"},
                {"chat: {enable_thinking: maybe}\n", "stages.x.chat.enable_thinking", "expected true or false"},
                {"chat: {enable_thinkng: false}\n", "unknown key 'enable_thinkng'", "did you mean 'enable_thinking'"},
                {"chat: chatml\n", "stages.x.chat", "expected a map of keys"}}) {
            for (Class<? extends Record> type : List.of(SftConfig.class, EvalConfig.class)) {
                BadInput e = assertThrows(BadInput.class, () -> bind(type, bad[0]), bad[0]);
                String m = e.getMessage();
                assertFalse(m.contains("\n"), m);
                assertTrue(m.startsWith("study.yaml:1:") && m.contains(bad[1]) && m.contains(bad[2]), m);
            }
        }
    }

    /** A user's HF base whose tokenizer has no chat template and which names no charworld: no charlab.json. */
    static Path templatelessBase(Path tmp) throws Exception {
        Path dir = PreferenceStagesTest.bpeModel(tmp.resolve("user"), List.of("the cat sat on the mat",
                "hola amigo mio", "three green trees", "a sailor sails the sea"), 268).resolve("model");
        Files.delete(dir.resolve(Checkpoint.PROVENANCE));
        assertFalse(Files.exists(dir.resolve("tokenizer_config.json")));
        return dir;
    }

    static Path stage(Path tmp, String name, org.charlab.stage.Stage<?> stage, Record c, Map<String, Path> inputs)
            throws Exception {
        Path out = Files.createDirectories(tmp.resolve(name));
        @SuppressWarnings({"unchecked", "rawtypes"})
        org.charlab.stage.Stage<Record> s = (org.charlab.stage.Stage) stage;
        s.run(new StageContext<>(name, c, out, inputs, 5, CPU, Progress.SILENT));
        return out;
    }

    static SftConfig sft(String yaml) {
        return TrainingStagesTest.sft(yaml);
    }

    @Test
    void chatmlForcedSftOnATemplatelessBaseIsRecordedAndItsEvalUsesChatMlUnasked(@TempDir Path tmp) throws Exception {
        TestModels.oneThread();
        Path user = templatelessBase(tmp);
        Path base = stage(tmp, "base", new CheckpointStage(), new CheckpointConfig(new FileRef(user)), Map.of());
        assertFalse(Files.exists(base.resolve("model").resolve(Checkpoint.PROVENANCE)), "no chat: nothing recorded");

        // auto on such a base is plain text, which cannot be trained on: refused in one line
        BadInput plain = assertThrows(BadInput.class,
                () -> stage(tmp, "sft-auto", new SftStage(), sft(""), Map.of("input", base)));
        assertTrue(plain.getMessage().contains("chat.format: chatml") && !plain.getMessage().contains("\n"),
                plain.getMessage());

        Path sft = stage(tmp, "sft", new SftStage(), sft("chat: {format: chatml}\n"), Map.of("input", base));
        JsonNode chat = Checkpoint.readProvenance(sft.resolve("model")).get(ChatFormats.RECORD);
        assertEquals("chatml", chat.get("format").asText(), chat.toString());
        assertTrue(chat.get("enable_thinking").isNull(), chat.toString());
        assertTrue(Files.isRegularFile(sft.resolve(SftStage.EVAL)), "the closing check ran in the same format");

        try (NDManager m = NDManager.newBaseManager(); Checkpoint.Loaded l = Checkpoint.load(sft.resolve("model"), m)) {
            assertInstanceOf(ChatMlFormat.class, ChatFormats.forModel(sft.resolve("model"), l.tokenizer(), null));
        }

        // the eval stage, not setting chat: ChatML (generation starts in the think block, so every sample has a
        // CoT; plain text would give none)
        Path eval = stage(tmp, "eval", new EvalStageKind().create(), bind(EvalConfig.class,
                "prompts: {in_distribution_per_family: 1, ood_per_family: 1}\nmax_new_tokens: 8\n"
                        + "bootstrap: {resamples: 50}\n"), Map.of("input", sft));
        List<SampleRow> rows = Samples.read(eval.resolve(Samples.FILE));
        assertFalse(rows.isEmpty());
        for (SampleRow r : rows) {
            assertNotNull(r.cot(), "ChatML's prefill opens the think block: " + r.promptId());
        }

        // an eval that sets another format than the model was trained with is refused in one line
        BadInput e = assertThrows(BadInput.class, () -> stage(tmp, "eval-plain", new EvalStageKind().create(),
                bind(EvalConfig.class, "max_new_tokens: 8\nchat: {format: plain}\n"), Map.of("input", sft)));
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.contains(sft.resolve("model").toString()) && msg.contains("chat.format is plain")
                && msg.contains("trained with chat.format chatml"), msg);
        // setting the same format again is fine (and nothing else changes)
        assertEquals(ChatSettings.Format.CHATML, ChatFormats.effective(sft.resolve("model"),
                new ChatSettings(ChatSettings.Format.CHATML, null, null)).format());
    }

    /** A tiny chat template (Jinja) for the BPE base: ChatML-like, but not charlab's ChatML. */
    static final String TEMPLATE = "{% for m in messages %}<|im_start|>[{{ m.role }}] {{ m.content }}<|im_end|>\n"
            + "{% endfor %}{% if add_generation_prompt %}<|im_start|>[assistant] {% endif %}";

    @Test
    void aBaseWithATemplateTrainedInChatMlIsEvaluatedInChatMlNotItsTemplate(@TempDir Path tmp) throws Exception {
        TestModels.oneThread();
        Path user = templatelessBase(tmp);
        Files.writeString(user.resolve("tokenizer_config.json"), TrainingStagesTest.JSON.writeValueAsString(
                Map.of("chat_template", TEMPLATE, "eos_token", "<|im_end|>")));
        Path base = stage(tmp, "base", new CheckpointStage(), new CheckpointConfig(new FileRef(user)), Map.of());
        try (HfTokenizer tok = HfTokenizer.load(base.resolve("model/tokenizer.json"))) {
            assertEquals("TemplateChatFormat", ChatFormats.forModel(base.resolve("model"), tok, null).getClass()
                    .getSimpleName(), "auto: the checkpoint's own template");
        }
        Path sft = stage(tmp, "sft", new SftStage(), sft("chat: {format: chatml}\n"), Map.of("input", base));
        Path model = sft.resolve("model");
        assertTrue(Files.isRegularFile(model.resolve("tokenizer_config.json")), "the template travels with the model");
        try (HfTokenizer tok = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            // what EvalStage and every later stage call when chat is unset: the recorded chatml, not the template
            assertInstanceOf(ChatMlFormat.class, ChatFormats.forModel(model, tok, null));
            assertInstanceOf(ChatMlFormat.class, ChatFormats.forModel(model, tok,
                    bind(EvalConfig.class, "{}").chat()));
            BadInput e = assertThrows(BadInput.class, () -> ChatFormats.forModel(model, tok,
                    new ChatSettings(ChatSettings.Format.TEMPLATE, null, null)));
            assertTrue(e.getMessage().contains("chat.format is template but the model was trained with chat.format "
                    + "chatml"), e.getMessage());
        }
        // a dpo after it, setting nothing, trains in ChatML too and records it again
        Path dpo = stage(tmp, "dpo", new DpoStage(), PreferenceStagesTest.bind(DpoConfig.class, ""),
                Map.of("input", sft));
        assertEquals("chatml", Checkpoint.readProvenance(dpo.resolve("model")).path("chat").path("format").asText());
    }

    @Test
    void aTeacherRecordedInAnotherFormatIsRefused(@TempDir Path tmp) throws Exception {
        TestModels.oneThread();
        Path user = templatelessBase(tmp);
        Path base = stage(tmp, "base", new CheckpointStage(), new CheckpointConfig(new FileRef(user),
                new ChatSettings(ChatSettings.Format.CHATML, null, null)), Map.of());
        assertEquals("chatml", Checkpoint.readProvenance(base.resolve("model")).path("chat").path("format").asText());
        Path teacher = stage(tmp, "teacher", new CheckpointStage(), new CheckpointConfig(new FileRef(user),
                new ChatSettings(ChatSettings.Format.PLAIN, null, null)), Map.of());
        BadInput e = assertThrows(BadInput.class, () -> stage(tmp, "opd", new OpdStage(), PreferenceStagesTest.bind(
                OpdConfig.class, "teacher: teacher\nmax_new_tokens: 8\n"), Map.of("input", base, "teacher", teacher)));
        String msg = e.getMessage();
        assertFalse(msg.contains("\n"), msg);
        assertTrue(msg.startsWith("the teacher renders conversations otherwise") && msg.contains("chat.format is chatml")
                && msg.contains("trained with chat.format plain"), msg);
        assertFalse(Files.exists(tmp.resolve("opd").resolve("model")), "nothing trained");
    }

    static Path assets() {
        String env = System.getenv("CHARLAB_TEST_ASSETS");
        return env != null ? Path.of(env) : Path.of(System.getProperty("user.home"), ".cache", "charlab", "test-assets");
    }

    @Test
    void enableThinkingFalseFromYamlIsRecordedAndReachesQwen3sTemplate(@TempDir Path tmp) throws Exception {
        Path qwen = assets().resolve("qwen3");
        Prerequisite.require(Files.isRegularFile(qwen.resolve("tokenizer.json"))
                && Files.isRegularFile(qwen.resolve("tokenizer_config.json")),
                "Qwen3 tokenizer files absent at " + qwen + "; run .ci/fetch-test-assets.sh");
        TestModels.oneThread();
        // a micro qwen3 with Qwen3's real tokenizer and chat template, as a user's directory (no charlab.json)
        Path user = tmp.resolve("user");
        try (HfTokenizer tok = HfTokenizer.load(qwen.resolve("tokenizer.json")); NDManager m = NDManager.newBaseManager();
                Decoder d = Decoder.init(new ModelConfig("qwen3", 16, 1, 2, 1, 8, 32, 10000.0, 1e-6, tok.vocabSize(),
                        256, true, false, true), m, 3)) {
            Checkpoint.save(user, d, tok, Map.of());
        }
        Files.delete(user.resolve(Checkpoint.PROVENANCE));
        CheckpointConfig c = bind(CheckpointConfig.class, "path: " + user + "\nchat: {enable_thinking: false}\n");
        Path base = stage(tmp, "base", new CheckpointStage(), c, Map.of());
        Path model = base.resolve("model");
        JsonNode rec = Checkpoint.readProvenance(model).get(ChatFormats.RECORD);
        assertEquals("template", rec.get("format").asText(), rec.toString());
        assertEquals("template", rec.get("cot").asText(), "Qwen3 renders reasoning_content: " + rec);
        assertFalse(rec.get("enable_thinking").asBoolean(true), rec.toString());

        Conversation hi = new Conversation(List.of(Message.user("Hi")));
        try (HfTokenizer tok = HfTokenizer.load(model.resolve("tokenizer.json"))) {
            // a later stage setting nothing: the recorded false reaches the template (its empty think block)
            ChatFormat later = ChatFormats.forModel(model, tok, null);
            String prompt = tok.decode(later.prompt(hi, ChatFormat.Prefill.none()).ids());
            assertTrue(prompt.endsWith("<|im_start|>assistant\n<think>\n\n</think>\n\n"), prompt);
            // the user's directory itself, without the record: thinking on, the prompt ends at the open turn
            String unset = tok.decode(ChatFormats.forModel(user, tok, null).prompt(hi, ChatFormat.Prefill.none()).ids());
            assertFalse(unset.contains("</think>"), unset);
            // enable_thinking may be overridden by a later stage (both modes can be evaluated) ...
            ChatFormat on = ChatFormats.forModel(model, tok, bind(EvalConfig.class, "chat: {enable_thinking: true}\n")
                    .chat());
            assertFalse(tok.decode(on.prompt(hi, ChatFormat.Prefill.none()).ids()).contains("</think>"));
            // ... the format and the CoT placement may not
            BadInput e = assertThrows(BadInput.class, () -> ChatFormats.forModel(model, tok,
                    bind(EvalConfig.class, "chat: {cot: content}\n").chat()));
            assertTrue(e.getMessage().contains("chat.cot is content but the model was trained with chat.cot template"),
                    e.getMessage());
        }
    }
}
