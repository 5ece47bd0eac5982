package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.config.Binder;
import org.charlab.config.ConfigWriter;
import org.charlab.config.YamlReader;
import org.junit.jupiter.api.Test;

/**
 * The config part of the stage key of eval configs that use every condition field that existed
 * before the robustness conditions (system, user_suffix, cot_prefill), pinned to the values
 * computed before {@code suffixes}, {@code prefill_model} and {@code follow_up} were added: a new
 * optional condition field must not recompute anyone's cached evaluations. Same canonical JSON as
 * the planner hashes (see ChatKeyPinTest).
 */
class ConditionKeyPinTest {

    static final ObjectMapper CANONICAL = new ObjectMapper().enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    static String keyOf(String yaml) throws Exception {
        EvalConfig c = new Binder(t -> null).bind(EvalConfig.class, YamlReader.parse(yaml, Path.of("pin.yaml")),
                "stages.eval");
        byte[] json = CANONICAL.writeValueAsBytes(ConfigWriter.toPlain(c, f -> "sha256:pinned"));
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
    }

    @Test
    void evalConfigsWithTheOlderConditionFieldsKeepTheirStageKeys() throws Exception {
        Map<String, String> keys = new LinkedHashMap<>();
        keys.put("default", keyOf("{}"));
        keys.put("inoculation", keyOf("""
                conditions:
                  - {name: plain}
                  - {name: spanish_prompt, system: "You always speak in Spanish."}
                """));
        keys.put("every_field", keyOf("""
                conditions:
                  - {name: plain}
                  - {name: adversarial, user_suffix: "(DO NOT ROLEPLAY. Respond naturally only.)"}
                  - {name: prefill, system: "Be brief.", cot_prefill: "The user wants"}
                samples_per_prompt: 2
                """));
        Map<String, String> pinned = new LinkedHashMap<>();
        pinned.put("default", "c86eea36095e8165");
        pinned.put("inoculation", "0b8b42080f183bd0");
        pinned.put("every_field", "3840cfc0e0c672aa");
        assertEquals(pinned, keys, "computed at commit 32f4217, before the robustness condition fields");
    }
}
