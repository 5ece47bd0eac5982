package org.charlab.train.stage;

import org.charlab.config.Doc;
import org.charlab.config.FileRef;
import org.charlab.config.Setting;

/** Settings of the {@code checkpoint} stage. */
@Doc("Starts a chain from a user-supplied Hugging Face model directory.")
public record CheckpointConfig(
        @Setting(doc = "An HF model directory: config.json (llama, mistral, qwen2, qwen3 or gemma3_text; see docs/hf-checkpoints.md), model.safetensors (or "
                + "shards with model.safetensors.index.json) and tokenizer.json. Its content fingerprint, not "
                + "its path, goes into the stage key.")
        FileRef path) {
}
