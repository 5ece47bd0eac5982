package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.ConfigWriter;
import org.charlab.config.Names;
import org.charlab.config.YamlReader;

/** The one place that decides how a checkpoint's conversations are rendered (see docs/chat-templates.md). */
public final class ChatFormats {

    /** The charlab.json field holding the chat settings a model was trained (or introduced) with. */
    public static final String RECORD = "chat";

    private ChatFormats() {
    }

    /**
     * The chat format for the checkpoint in {@code modelDir} (may be null for a model built in memory)
     * whose tokenizer is {@code tokenizer}, with the stage's {@code settings} (null: the stage sets
     * none) reconciled with those the model recorded ({@link #effective}). AUTO: the checkpoint's
     * {@code chat_template} from tokenizer_config.json when it has one; else ChatML for charworld's own
     * checkpoints (the byte tokenizer, a directory with charlab.json, or no directory); else plain text
     * (a base model).
     */
    public static ChatFormat forModel(Path modelDir, Tokenizer tokenizer, ChatSettings settings) {
        ChatSettings s = effective(modelDir, settings);
        Path configFile = tokenizerConfig(modelDir, tokenizer);
        JsonNode config = configFile == null ? null : TemplateChatFormat.readConfig(configFile);
        String template = config == null ? null : TemplateChatFormat.templateOf(config);
        String where = modelDir != null ? modelDir.toString() : tokenizer.describe();
        return switch (s.format()) {
            case CHATML -> new ChatMlFormat(tokenizer);
            case PLAIN -> new PlainTextFormat(tokenizer, where, bos(config, tokenizer));
            case TEMPLATE -> {
                if (template == null) {
                    throw new BadInput(where + ": chat.format is template but tokenizer_config.json has no"
                            + " chat_template; use auto, chatml or plain");
                }
                yield new TemplateChatFormat(tokenizer, template, config, where, s);
            }
            case AUTO -> {
                if (template != null) {
                    yield new TemplateChatFormat(tokenizer, template, config, where, s);
                }
                boolean charworld = tokenizer instanceof ByteTokenizer || modelDir == null
                        || Files.isRegularFile(modelDir.resolve(Checkpoint.PROVENANCE));
                yield charworld ? new ChatMlFormat(tokenizer)
                        : new PlainTextFormat(tokenizer, where, bos(config, tokenizer));
            }
        };
    }

    /**
     * The chat settings a model recorded in its charlab.json ({@value #RECORD}), or null when it recorded
     * none (a user's checkpoint, a model trained before settings were recorded, no directory).
     */
    public static ChatSettings recorded(Path modelDir) {
        if (modelDir == null) {
            return null;
        }
        JsonNode r = Checkpoint.readProvenance(modelDir).path(RECORD);
        if (!r.isObject()) {
            return null;
        }
        Path file = modelDir.resolve(Checkpoint.PROVENANCE);
        return new Binder(t -> null).bind(ChatSettings.class, YamlReader.parse(r.toString(), file), RECORD);
    }

    /**
     * The settings a stage renders {@code modelDir}'s conversations with: the stage's own where it
     * sets them, the model's recorded ones ({@link #recorded}) where it leaves them auto/null. A
     * format or cot placement other than the recorded one is refused with one line: a model is
     * evaluated and trained further in the format it was trained in, or its results are silently
     * wrong. enable_thinking may differ (a mode the template offers, e.g. to evaluate both).
     *
     * @param stage the stage's settings, null when it sets none
     */
    public static ChatSettings effective(Path modelDir, ChatSettings stage) {
        ChatSettings rec = recorded(modelDir);
        if (stage == null || rec == null) {
            return stage != null ? stage : rec != null ? rec : ChatSettings.DEFAULT;
        }
        if (stage.format() != ChatSettings.Format.AUTO && rec.format() != ChatSettings.Format.AUTO
                && stage.format() != rec.format()) {
            throw mismatch(modelDir, "format", stage.format(), rec.format());
        }
        if (stage.cot() != ChatSettings.CotPlacement.AUTO && rec.cot() != ChatSettings.CotPlacement.AUTO
                && stage.cot() != rec.cot()) {
            throw mismatch(modelDir, "cot", stage.cot(), rec.cot());
        }
        return new ChatSettings(stage.format() != ChatSettings.Format.AUTO ? stage.format() : rec.format(),
                stage.cot() != ChatSettings.CotPlacement.AUTO ? stage.cot() : rec.cot(),
                stage.enableThinking() != null ? stage.enableThinking() : rec.enableThinking());
    }

    private static BadInput mismatch(Path modelDir, String field, Enum<?> asked, Enum<?> recorded) {
        String a = Names.label(asked);
        String r = Names.label(recorded);
        return new BadInput(modelDir + ": chat." + field + " is " + a + " but the model was trained with chat." + field
                + " " + r + " (its " + Checkpoint.PROVENANCE + "); leave chat." + field + " unset (auto) or set it to "
                + r);
    }

    /**
     * What a stage records in its model's charlab.json for {@code chat}, built with {@code used}: the
     * format it resolved to (never auto), the template's CoT placement (auto for chatml and plain,
     * which have one), and enable_thinking as used.
     */
    public static ChatSettings resolved(ChatFormat chat, ChatSettings used) {
        ChatSettings.Format f = chat.kind();
        ChatSettings.CotPlacement cot = chat instanceof TemplateChatFormat t
                ? (t.cotInTemplate() ? ChatSettings.CotPlacement.TEMPLATE : ChatSettings.CotPlacement.CONTENT)
                : ChatSettings.CotPlacement.AUTO;
        return new ChatSettings(f, cot, used == null ? null : used.enableThinking());
    }

    /** {@link #resolved} as the plain map charlab.json holds under {@value #RECORD}. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> record(ChatFormat chat, ChatSettings used) {
        return (Map<String, Object>) ConfigWriter.toPlain(resolved(chat, used));
    }

    /**
     * The BOS id a plain-text prompt starts with: tokenizer_config.json's {@code bos_token} when its
     * {@code add_bos_token} is true (what the checkpoint's tokenizer adds to any text it encodes), else -1.
     */
    private static int bos(JsonNode config, Tokenizer tokenizer) {
        if (config == null || !config.path("add_bos_token").asBoolean(false)) {
            return -1;
        }
        JsonNode b = config.path("bos_token");
        String token = b.isTextual() ? b.asText() : b.path("content").asText(null);
        return token == null ? -1 : tokenizer.specialId(token);
    }

    private static Path tokenizerConfig(Path modelDir, Tokenizer tokenizer) {
        if (modelDir != null && Files.isRegularFile(modelDir.resolve("tokenizer_config.json"))) {
            return modelDir.resolve("tokenizer_config.json");
        }
        if (tokenizer instanceof HfTokenizer hf) {
            Path tc = hf.file().resolveSibling("tokenizer_config.json");
            return Files.isRegularFile(tc) ? tc : null;
        }
        return null;
    }
}
