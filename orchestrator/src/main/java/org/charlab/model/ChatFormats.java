package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charlab.BadInput;

/** The one place that decides how a checkpoint's conversations are rendered (see docs/chat-templates.md). */
public final class ChatFormats {

    private ChatFormats() {
    }

    /**
     * The chat format for the checkpoint in {@code modelDir} (may be null for a model built in memory)
     * whose tokenizer is {@code tokenizer}. AUTO: the checkpoint's {@code chat_template} from
     * tokenizer_config.json when it has one; else ChatML for charworld's own checkpoints (the byte
     * tokenizer, a directory with charlab.json, or no directory); else plain text (a base model).
     */
    public static ChatFormat forModel(Path modelDir, Tokenizer tokenizer, ChatSettings settings) {
        ChatSettings s = settings == null ? ChatSettings.DEFAULT : settings;
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
