package org.charlab.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.charlab.BadInput;

/**
 * Any Hugging Face {@code tokenizer.json}, through DJL's tokenizers (Rust) binding, configured
 * with truncation and padding off and no implicit special tokens (DJL's defaults would truncate
 * at 512 tokens and add BOS/EOS). Special tokens are the file's {@code added_tokens}.
 */
public final class HfTokenizer implements Tokenizer, AutoCloseable {

    private final Path file;
    private final HuggingFaceTokenizer hf;
    private final Map<String, Integer> added = new HashMap<>();
    private final Set<Integer> specialIds = new HashSet<>();
    private final int vocabSize;
    private final int[] eosIds;
    private final Set<Integer> byteFallbackIds = new HashSet<>();

    private HfTokenizer(Path file) {
        this.file = file;
        int maxId = -1;
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(file.toFile());
            for (JsonNode t : root.path("added_tokens")) {
                int id = t.path("id").asInt();
                added.put(t.path("content").asText(), id);
                if (t.path("special").asBoolean(false)) {
                    specialIds.add(id);
                }
                maxId = Math.max(maxId, id);
            }
            for (JsonNode id : root.path("model").path("vocab")) {
                maxId = Math.max(maxId, id.asInt());
            }
            this.hf = HuggingFaceTokenizer.builder()
                    .optTokenizerPath(file)
                    .optAddSpecialTokens(false)
                    .optTruncation(false)
                    .optPadding(false)
                    .optMaxLength(Integer.MAX_VALUE / 2)
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new BadInput(file + ": cannot load tokenizer: " + String.valueOf(e.getMessage()).split("\n")[0]);
        }
        // the chat markers are "added" but some files do not flag </think> etc. as special
        for (String s : ByteTokenizer.SPECIALS) {
            Integer id = added.get(s);
            if (id != null) {
                specialIds.add(id);
            }
        }
        this.vocabSize = maxId + 1;
        JsonNode vocab = root.path("model").path("vocab");
        if (root.path("model").path("byte_fallback").asBoolean(false)) {
            vocab.fields().forEachRemaining(e -> {
                if (e.getKey().matches("<0x[0-9A-Fa-f]{2}>")) {
                    byteFallbackIds.add(e.getValue().asInt());
                }
            });
        }
        this.eosIds = EosTokens.resolve(file.toAbsolutePath().getParent(), t -> added.containsKey(t) ? added.get(t)
                : vocab.path(t).isInt() ? Integer.valueOf(vocab.path(t).asInt()) : null);
    }

    /** Loads {@code tokenizer.json} (a file, or a directory holding one). */
    public static HfTokenizer load(Path fileOrDir) {
        Path f = Files.isDirectory(fileOrDir) ? fileOrDir.resolve("tokenizer.json") : fileOrDir;
        if (!Files.isRegularFile(f)) {
            throw new BadInput(f + ": tokenizer file not found");
        }
        return new HfTokenizer(f);
    }

    public Path file() {
        return file;
    }

    @Override
    public int[] encode(String text) {
        if (text.isEmpty()) {
            return new int[0];
        }
        long[] ids = hf.encode(text, false, false).getIds();
        int[] out = new int[ids.length];
        for (int i = 0; i < ids.length; i++) {
            out[i] = (int) ids[i];
        }
        return out;
    }

    @Override
    public String decode(int[] ids) {
        long[] l = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
            l[i] = ids[i];
        }
        return hf.decode(l, false);
    }

    @Override
    public int vocabSize() {
        return vocabSize;
    }

    @Override
    public int specialId(String token) {
        Integer id = added.get(token);
        if (id == null) {
            throw new BadInput(file + ": tokenizer has no added token '" + token + "'");
        }
        return id;
    }

    @Override
    public boolean isSpecial(int id) {
        return specialIds.contains(id);
    }

    @Override
    public int padId() {
        // padding is masked out everywhere, so any valid id serves: <|pad|>, <|endoftext|>, an eos id, 0
        Integer pad = added.get(PAD);
        if (pad == null) {
            pad = added.get(END_OF_TEXT);
        }
        if (pad == null && eosIds.length > 0) {
            pad = eosIds[0];
        }
        return pad != null ? pad : 0;
    }

    @Override
    public boolean isByteFallback(int id) {
        return byteFallbackIds.contains(id);
    }

    /** The end-of-sequence ids declared next to tokenizer.json ({@link EosTokens#resolve}). */
    @Override
    public int[] eosIds() {
        return eosIds.clone();
    }

    @Override
    public String describe() {
        return "hf:" + file;
    }

    @Override
    public void close() {
        hf.close();
    }
}
