package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Function;
import org.charlab.BadInput;

/**
 * The end-of-sequence ids a Hugging Face checkpoint directory declares, resolved in the order
 * transformers' {@code generate} uses them: {@code generation_config.json}'s {@code eos_token_id}
 * (an int or a list, e.g. Llama 3.1 Instruct's [128001, 128008, 128009]), else {@code config.json}'s
 * (from which transformers builds a missing generation config), else {@code tokenizer_config.json}'s
 * {@code eos_token} (a string, or an AddedToken object {"content": ...}) looked up in the
 * tokenizer. A directory charlab saved records the ids it inherited in {@code charlab.json}'s
 * {@code eos_token_id}, which is read first, because charlab writes its own config.json and does
 * not copy generation_config.json. A directory declaring none of these yields no ids.
 */
public final class EosTokens {

    /** Field under which the ids are read from every file above. */
    public static final String FIELD = "eos_token_id";

    private static final ObjectMapper JSON = new ObjectMapper();

    private EosTokens() {
    }

    /**
     * The ids {@code dir} declares, in file order without duplicates; {@code lookup} maps a token's
     * text to its id (null when the tokenizer lacks it). Empty when no file declares any.
     */
    public static int[] resolve(Path dir, Function<String, Integer> lookup) {
        for (String name : new String[] {Checkpoint.PROVENANCE, "generation_config.json", Checkpoint.CONFIG}) {
            Path f = dir.resolve(name);
            JsonNode v = read(f).path(FIELD);
            if (!v.isMissingNode() && !v.isNull()) {
                return ids(v, f);
            }
        }
        Path tc = dir.resolve("tokenizer_config.json");
        JsonNode eos = read(tc).path("eos_token");
        if (eos.isObject()) {
            eos = eos.path("content");
        }
        if (eos.isMissingNode() || eos.isNull()) {
            return new int[0];
        }
        if (!eos.isTextual()) {
            throw new BadInput(tc + ": eos_token must be a string or an object with \"content\", got " + eos);
        }
        Integer id = lookup.apply(eos.asText());
        if (id == null) {
            throw new BadInput(tc + ": eos_token '" + eos.asText() + "' is not a token of the tokenizer");
        }
        return new int[] {id};
    }

    private static int[] ids(JsonNode v, Path f) {
        if (v.isIntegralNumber()) {
            return new int[] {checked(v, f)};
        }
        if (v.isArray()) {
            return java.util.stream.StreamSupport.stream(v.spliterator(), false).mapToInt(e -> checked(e, f))
                    .distinct().toArray();
        }
        throw new BadInput(f + ": " + FIELD + " must be an integer or a list of integers, got " + v);
    }

    private static int checked(JsonNode e, Path f) {
        if (!e.isIntegralNumber() || e.asLong() < 0 || e.asLong() > Integer.MAX_VALUE) {
            throw new BadInput(f + ": " + FIELD + " must hold non-negative integers, got " + e);
        }
        return e.asInt();
    }

    private static JsonNode read(Path f) {
        if (!Files.isRegularFile(f)) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(f.toFile());
        } catch (IOException e) {
            throw new BadInput(f + ": cannot read: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
    }
}
