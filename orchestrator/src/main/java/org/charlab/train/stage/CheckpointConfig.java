package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Setting;
import org.charlab.model.ChatSettings;

/** Settings of the {@code checkpoint} stage. */
@Doc("Starts a chain from a user-supplied Hugging Face model directory.")
public record CheckpointConfig(
        @Setting(doc = "An HF model directory: config.json (llama, mistral, qwen2, qwen3 or gemma3_text; see docs/hf-checkpoints.md), model.safetensors (or "
                + "shards with model.safetensors.index.json) and tokenizer.json. Its content fingerprint, not "
                + "its path, goes into the stage key.")
        FileRef path,
        @Setting(doc = "How this model's conversations become tokens {format, cot, enable_thinking} "
                + "(docs/chat-templates.md), recorded in the copied model's charlab.json so every later stage that "
                + "leaves chat unset uses it. null: nothing recorded (later stages use auto, or what the directory's own "
                + "charlab.json recorded).",
                def = "null", omitWhenNull = true)
        ChatSettings chat) {

    /** A checkpoint stage that sets no chat settings. */
    public CheckpointConfig(FileRef path) {
        this(path, null);
    }
}
