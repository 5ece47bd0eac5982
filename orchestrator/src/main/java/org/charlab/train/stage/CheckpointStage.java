package org.charlab.train.stage;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.stream.Stream;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.model.ChatFormats;
import org.charlab.model.ChatSettings;
import org.charlab.model.Checkpoint;
import org.charlab.model.Engines;

/**
 * Brings a user's HF model directory into the chain: loads it (which validates config.json,
 * weights and tokenizer, as one-line errors) on the configured device, then copies the files a
 * model directory consists of into {@code <out>/model}, so later stages read user checkpoints and
 * trained ones the same way. Copies, not links: the stage cache must not change when the user's
 * directory does. With {@code chat} set, the settings (resolved: the format it renders with) are
 * recorded in the copy's charlab.json, where every later stage finds them.
 */
public final class CheckpointStage implements Stage<CheckpointConfig> {

    @Override
    public void run(StageContext<CheckpointConfig> ctx) throws Exception {
        Path src = ctx.config().path().path();
        ChatSettings asked = ctx.config().chat();
        Map<String, Object> chat = null;
        var device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        try (NDManager m = NDManager.newBaseManager(device);
                Checkpoint.Loaded loaded = Checkpoint.load(src, m)) {
            ctx.progress().log("checkpoint: " + src + ": " + loaded.model().config().modelType() + ", "
                    + loaded.model().config().parameterCount() + " parameters, tokenizer "
                    + loaded.tokenizer().describe());
            if (asked != null) {
                // resolved now (template present? placement?), so later stages read a concrete format
                ChatSettings used = ChatFormats.effective(src, asked);
                chat = ChatFormats.record(ChatFormats.forModel(src, loaded.tokenizer(), used), used);
                ctx.progress().log("checkpoint: chat " + chat);
            }
        }
        Path dst = ctx.outputDir().resolve(StageFiles.MODEL);
        Files.createDirectories(dst);
        for (Path f : modelFiles(src)) {
            Files.copy(f, dst.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        if (chat != null) {
            recordChat(dst, chat);
        }
        ctx.progress().report(1, 1, "copied");
    }

    /**
     * Adds the chat settings to the copied model's charlab.json (created when the user's directory had
     * none: its other fields absent, the model loads as before).
     */
    static void recordChat(Path modelDir, Map<String, Object> chat) throws IOException {
        ObjectNode prov = (ObjectNode) Checkpoint.readProvenance(modelDir);
        prov.set(ChatFormats.RECORD, StageFiles.JSON.valueToTree(chat));
        Files.writeString(modelDir.resolve(Checkpoint.PROVENANCE), StageFiles.JSON.writeValueAsString(prov) + "\n");
    }

    /** config.json, weights (single or shards + index), tokenizer files, charlab.json, generation_config.json. */
    static List<Path> modelFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(Files::isRegularFile).filter(p -> {
                String n = p.getFileName().toString();
                return n.equals("config.json") || n.endsWith(".safetensors") || n.equals("model.safetensors.index.json")
                        || n.startsWith("tokenizer") || n.equals("charlab.json") || n.equals("generation_config.json")
                        || n.equals("special_tokens_map.json");
            }).sorted().toList();
        }
    }
}
