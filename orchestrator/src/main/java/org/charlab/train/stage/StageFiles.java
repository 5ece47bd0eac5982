package org.charlab.train.stage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.ConfigWriter;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.model.Checkpoint;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldMatch;

/**
 * What the training stages share: the charworld a model knows (the "world" of its charlab.json,
 * and world.json beside it), data fingerprints.
 */
final class StageFiles {

    static final String MODEL = "model";
    static final String WORLD = "world.json";
    static final String DATA = "data.json";
    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private StageFiles() {
    }

    /** Records the charworld a model was trained in, so later stages generate data and prompts of the same world. */
    static void writeWorld(Path dir, WorldConfig world) throws IOException {
        Files.writeString(dir.resolve(WORLD), JSON.writeValueAsString(ConfigWriter.toPlain(world)) + "\n");
    }

    /**
     * The world a stage's input was trained in: the "world" of {@code <input>/model/charlab.json},
     * else the input's world.json, else null (a user's checkpoint, which names no world).
     */
    static WorldConfig readWorld(Path inputDir) {
        if (inputDir == null) {
            return null;
        }
        JsonNode w = Checkpoint.readProvenance(inputDir.resolve(MODEL)).path("world");
        if (w.isObject()) {
            Path prov = inputDir.resolve(MODEL).resolve(Checkpoint.PROVENANCE);
            return new Binder(t -> null).bind(WorldConfig.class, YamlReader.parse(w.toString(), prov), "world");
        }
        Path f = inputDir.resolve(WORLD);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        return new Binder(t -> null).bind(WorldConfig.class, YamlReader.read(f), "world");
    }

    /**
     * The world a fine-tuned model records: its input's; when the input names none (a user's
     * checkpoint) and the stage trained on charworld data, the world that data came from (the
     * defaults), whose test items it must not be evaluated on as held-out; else none (null).
     */
    static WorldConfig trainedWorld(WorldConfig input, boolean charworldData) {
        return input != null ? input : charworldData ? WorldConfig.defaults() : null;
    }

    /**
     * Adds {@code "world"} to a checkpoint's charlab.json provenance (and writes world.json beside
     * the model) when the model knows a charworld; the eval stage checks its world against it.
     */
    static void recordWorld(Map<String, Object> provenance, Path stageDir, WorldConfig world) throws IOException {
        if (world != null) {
            provenance.put("world", ConfigWriter.toPlain(world));
            writeWorld(stageDir, world);
        }
    }

    /**
     * Refuses (one line) a {@code role} model (DPO reference, teacher) trained in another charworld
     * than the policy's input, on the fields that decide the items (a teacher that learnt another
     * knowledge base would teach other facts); either side naming no world is not checked.
     */
    static void requireSameWorld(String role, Path policyInput, WorldConfig policyWorld, Path otherInput) {
        WorldConfig other = readWorld(otherInput);
        if (policyWorld == null || other == null) {
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> recorded = (Map<String, Object>) ConfigWriter.toPlain(other);
        List<String> diffs = WorldMatch.differences(policyWorld, recorded, role);
        if (!diffs.isEmpty()) {
            throw new BadInput("the " + role + " " + otherInput.resolve(MODEL) + " was trained in another charworld than "
                    + policyInput.resolve(MODEL) + ": " + String.join(", ", diffs));
        }
    }

    /**
     * SHA-256 over the conversations in order, each as one canonical line (roles, contents,
     * reasoning): two stages trained on the same examples show the same hash.
     */
    static String sha256(List<Conversation> conversations) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (Conversation c : conversations) {
                StringBuilder sb = new StringBuilder();
                for (Message m : c.messages()) {
                    sb.append(JSON.writeValueAsString(new Object[] {m.role().name(), m.content(), m.reasoning()}));
                }
                sb.append('\n');
                md.update(sb.toString().getBytes(StandardCharsets.UTF_8));
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeJson(Path file, Map<String, ?> content) throws IOException {
        Files.writeString(file, JSON.writeValueAsString(content) + "\n");
    }
}
