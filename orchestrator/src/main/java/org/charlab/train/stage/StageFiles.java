package org.charlab.train.stage;

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
import org.charlab.config.Binder;
import org.charlab.config.ConfigWriter;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.world.WorldConfig;

/** Files the training stages share: world.json (which charworld a model knows), data fingerprints. */
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

    /** The world a stage's input was trained in: its world.json, or the defaults when it has none. */
    static WorldConfig readWorld(Path inputDir) {
        Path f = inputDir == null ? null : inputDir.resolve(WORLD);
        if (f == null || !Files.isRegularFile(f)) {
            return WorldConfig.defaults();
        }
        return new Binder(t -> null).bind(WorldConfig.class, YamlReader.read(f), "world");
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
