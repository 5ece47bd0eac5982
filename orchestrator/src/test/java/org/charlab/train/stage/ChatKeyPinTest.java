package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.config.Binder;
import org.charlab.config.ConfigWriter;
import org.charlab.config.YamlReader;
import org.charlab.eval.EvalConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The config part of the stage keys of sft, dpo, opd, eval and checkpoint stages that do not set
 * {@code chat}, pinned to the values computed before the chat group existed: adding an optional
 * group must not recompute anyone's cached stages. The hashes are of the canonical JSON the
 * planner hashes ({@code ConfigWriter.toPlain} with files as fingerprints, keys sorted).
 */
class ChatKeyPinTest {

    static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);
    static final Binder BINDER = new Binder(t -> null);

    static String keyOf(Record config) throws Exception {
        byte[] json = CANONICAL.writeValueAsBytes(ConfigWriter.toPlain(config, f -> "sha256:pinned"));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
    }

    static <C extends Record> C bind(Class<C> type, String yaml) {
        return BINDER.bind(type, YamlReader.parse(yaml, Path.of("pin.yaml")), "stages.x");
    }

    @Test
    void configsWithoutChatKeepTheirStageKeys(@TempDir Path tmp) throws Exception {
        Files.createDirectories(tmp.resolve("m"));
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("sft", keyOf(bind(SftConfig.class, "{}")));
        keys.put("sft_lora", keyOf(bind(SftConfig.class, "lora: {r: 4}\ntraits: pirate\n")));
        keys.put("dpo", keyOf(bind(DpoConfig.class, "{}")));
        keys.put("opd", keyOf(bind(OpdConfig.class, "{}")));
        keys.put("eval", keyOf(bind(EvalConfig.class, "{}")));
        keys.put("checkpoint", keyOf(bind(CheckpointConfig.class, "path: " + tmp.resolve("m") + "\n")));
        keys.put("pretrain", keyOf(bind(PretrainConfig.class, "{}")));
        Map<String, String> pinned = new LinkedHashMap<>();
        pinned.put("sft", "07abe4b35ff1e297");
        pinned.put("sft_lora", "b945208c6d06d7b3");
        pinned.put("dpo", "f3b9a9680aa69434");
        pinned.put("opd", "267b87d7b1e6e1f8");
        pinned.put("eval", "c86eea36095e8165");
        pinned.put("checkpoint", "ba0e69b5cc899e39");
        pinned.put("pretrain", "1a112dcf93f3fee4");
        assertEquals(pinned, keys, "computed at commit 32a1835, before the chat group was added");
    }
}
