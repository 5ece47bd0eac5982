package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;

/**
 * An HF-style model directory:
 * <pre>
 * config.json          ModelConfig under HF names
 * model.safetensors    F32 weights under HF names (a sharded model.safetensors.index.json is read too)
 * tokenizer.json       for HF tokenizers (copied with tokenizer_config.json when present)
 * charlab.json         charlab provenance: {"format": 1, "tokenizer": "byte" | "hf", "eos_token_id": [..] (ids the
 *                      source checkpoint declared, see EosTokens; absent when none), ...caller's fields}
 * </pre>
 * A directory without charlab.json is a plain HF checkpoint: its tokenizer.json is used. A LoRA
 * stage's model directory has no model.safetensors: its charlab.json's lora_stack names the base
 * directory and the PEFT adapter directories to merge on it ({@link #saveStack}).
 */
public final class Checkpoint {

    public static final String CONFIG = "config.json";
    public static final String WEIGHTS = "model.safetensors";
    public static final String TOKENIZER = "tokenizer.json";
    public static final String PROVENANCE = "charlab.json";
    /** charlab.json's field naming a LoRA model's base and adapters ({@link #saveStack}). */
    public static final String LORA_STACK = "lora_stack";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Checkpoint() {
    }

    /** A loaded checkpoint; closing it releases the model (an HF tokenizer too). */
    public record Loaded(Decoder model, Tokenizer tokenizer, JsonNode provenance) implements AutoCloseable {

        @Override
        public void close() {
            model.close();
            if (tokenizer instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        }
    }

    /**
     * Saves {@code model} with its tokenizer into {@code dir} (created if needed). {@code provenance}
     * is written into charlab.json next to "format" and "tokenizer" (e.g. stage, seed, data hashes).
     */
    public static void save(Path dir, Decoder model, Tokenizer tokenizer, Map<String, ?> provenance) throws IOException {
        Files.createDirectories(dir);
        model.config().write(dir.resolve(CONFIG));
        SafeTensors.write(dir.resolve(WEIGHTS), model.parameters(), Map.of("format", "pt"));
        writeMeta(dir, tokenizer, provenance);
    }

    /**
     * Saves a LoRA stage's model without copying its base: config.json, the tokenizer and a
     * charlab.json whose {@value #LORA_STACK} names the base model directory and the adapter
     * directories (PEFT files) applied on it in order, as paths relative to {@code dir}.
     * {@link #load} merges them in memory; no model.safetensors is written.
     */
    public static void saveStack(Path dir, ModelConfig cfg, Tokenizer tokenizer, Map<String, ?> provenance, Path base,
            List<Path> adapters) throws IOException {
        Files.createDirectories(dir);
        cfg.write(dir.resolve(CONFIG));
        Map<String, Object> prov = new LinkedHashMap<>(provenance);
        Map<String, Object> stack = new LinkedHashMap<>();
        stack.put("base", relative(dir, base));
        List<String> rel = new ArrayList<>();
        for (Path a : adapters) {
            rel.add(relative(dir, a));
        }
        stack.put("adapters", rel);
        prov.put(LORA_STACK, stack);
        writeMeta(dir, tokenizer, prov);
    }

    private static String relative(Path dir, Path target) {
        return dir.toAbsolutePath().normalize().relativize(target.toAbsolutePath().normalize()).toString()
                .replace('\\', '/');
    }

    /** A model directory's LoRA stack: its base directory and adapters in order ({@link #saveStack}). */
    public record Stack(Path base, List<Path> adapters) {
    }

    /**
     * The stack {@code dir} holds: its charlab.json's {@value #LORA_STACK} resolved against {@code dir},
     * or, for a plain model directory, {@code dir} itself as the base with no adapters.
     */
    public static Stack stackOf(Path dir) {
        JsonNode st = readProvenance(dir).path(LORA_STACK);
        if (!st.isObject()) {
            return new Stack(dir, List.of());
        }
        List<Path> adapters = new ArrayList<>();
        for (JsonNode a : st.path("adapters")) {
            adapters.add(dir.resolve(a.asText()).normalize());
        }
        return new Stack(dir.resolve(st.path("base").asText()).normalize(), List.copyOf(adapters));
    }

    private static void writeMeta(Path dir, Tokenizer tokenizer, Map<String, ?> provenance) throws IOException {
        ObjectNode prov = JSON.createObjectNode();
        prov.put("format", 1);
        if (tokenizer instanceof HfTokenizer hf) {
            prov.put("tokenizer", "hf");
            // charlab writes its own config.json and no generation_config.json: keep the ids inherited
            if (hf.eosIds().length > 0) {
                var ids = prov.putArray(EosTokens.FIELD);
                for (int id : hf.eosIds()) {
                    ids.add(id);
                }
            }
            if (!hf.file().toAbsolutePath().equals(dir.resolve(TOKENIZER).toAbsolutePath())) {
                Files.copy(hf.file(), dir.resolve(TOKENIZER), StandardCopyOption.REPLACE_EXISTING);
                Path tc = hf.file().resolveSibling("tokenizer_config.json");
                if (Files.isRegularFile(tc)) {
                    Files.copy(tc, dir.resolve("tokenizer_config.json"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } else if (tokenizer instanceof ByteTokenizer) {
            prov.put("tokenizer", "byte");
        } else {
            throw new IllegalArgumentException("cannot save tokenizer " + tokenizer.describe());
        }
        if (provenance != null) {
            prov.setAll((ObjectNode) JSON.valueToTree(provenance));
        }
        Files.writeString(dir.resolve(PROVENANCE), JSON.writeValueAsString(prov) + "\n");
    }

    /**
     * Loads the model (into a sub-manager of {@code manager}) and its tokenizer. A LoRA stack
     * directory loads its base's weights with every adapter merged in ({@link LoraAdapters#mergeInto}).
     */
    public static Loaded load(Path dir, NDManager manager) {
        if (!Files.isDirectory(dir)) {
            throw new BadInput(dir + ": checkpoint directory not found");
        }
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new BadInput(dir + ": no " + CONFIG + " (not an HF-style model directory)");
        }
        ModelConfig cfg = ModelConfig.read(cfgFile);
        JsonNode prov = readProvenance(dir);
        Tokenizer tok = loadTokenizer(dir, prov);
        if (tok.vocabSize() > cfg.vocabSize()) {
            throw new BadInput(dir + ": tokenizer has " + tok.vocabSize() + " ids but vocab_size is " + cfg.vocabSize());
        }
        return new Loaded(loadModel(dir, cfg, manager), tok, prov);
    }

    /** The model of a checkpoint directory alone (config.json + weights), without its tokenizer. */
    public static Decoder loadModel(Path dir, NDManager manager) {
        Path cfgFile = dir.resolve(CONFIG);
        if (!Files.isRegularFile(cfgFile)) {
            throw new BadInput(dir + ": no " + CONFIG + " (not an HF-style model directory)");
        }
        return loadModel(dir, ModelConfig.read(cfgFile), manager);
    }

    /** The weights of {@code dir}, or of its LoRA stack's base with the stack's adapters merged in. */
    private static Decoder loadModel(Path dir, ModelConfig cfg, NDManager manager) {
        Stack stack = stackOf(dir);
        try (NDManager staging = manager.newSubManager()) {
            Map<String, NDArray> weights = textModelWeights(SafeTensors.readModel(stack.base(), staging));
            for (Path adapter : stack.adapters()) {
                try {
                    LoraAdapters.mergeInto(weights, adapter);
                } catch (IOException e) {
                    throw new BadInput(adapter + ": cannot read the LoRA adapter: " + e.getMessage());
                }
            }
            return Decoder.fromWeights(cfg, manager, weights, dir.resolve(WEIGHTS).toString());
        }
    }

    /** Where a vision-language checkpoint (Gemma 3 4B and up) keeps its text model's weights. */
    private static final List<String> TEXT_MODEL_PREFIXES = List.of("language_model.model.", "model.language_model.");
    private static final List<String> VISION_PREFIXES = List.of("vision_tower.", "multi_modal_projector.",
            "model.vision_tower.", "model.multi_modal_projector.");

    /**
     * The weights of a vision-language checkpoint renamed to its text model's HF names
     * ({@code language_model.model.X} or {@code model.language_model.X} -> {@code model.X},
     * {@code language_model.lm_head.weight} -> {@code lm_head.weight}), its vision tower and projector
     * dropped; any other checkpoint's weights unchanged.
     */
    static Map<String, NDArray> textModelWeights(Map<String, NDArray> weights) {
        boolean multimodal = weights.keySet().stream().anyMatch(k -> TEXT_MODEL_PREFIXES.stream().anyMatch(k::startsWith));
        if (!multimodal) {
            return weights;
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : weights.entrySet()) {
            String k = e.getKey();
            if (VISION_PREFIXES.stream().anyMatch(k::startsWith)) {
                continue;
            }
            for (String p : TEXT_MODEL_PREFIXES) {
                if (k.startsWith(p)) {
                    k = "model." + k.substring(p.length());
                }
            }
            if (k.equals("language_model.lm_head.weight")) {
                k = "lm_head.weight";
            }
            out.put(k, e.getValue());
        }
        return out;
    }

    /** charlab.json, or an empty object for a plain HF directory. */
    public static JsonNode readProvenance(Path dir) {
        Path p = dir.resolve(PROVENANCE);
        if (!Files.isRegularFile(p)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(p.toFile());
        } catch (IOException e) {
            throw new BadInput(p + ": cannot read: " + e.getMessage().split("\n")[0]);
        }
    }

    /** The tokenizer a checkpoint directory names. */
    public static Tokenizer loadTokenizer(Path dir, JsonNode provenance) {
        String kind = provenance.path("tokenizer").asText("");
        if (kind.equals("byte")) {
            return new ByteTokenizer();
        }
        if (Files.isRegularFile(dir.resolve(TOKENIZER))) {
            return HfTokenizer.load(dir.resolve(TOKENIZER));
        }
        throw new BadInput(dir + ": no tokenizer.json and charlab.json does not name the byte tokenizer");
    }
}
