package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;
import org.charlab.BadInput;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution of a checkpoint directory's end-of-sequence ids from files the test writes. */
class EosTokensTest {

    static final Function<String, Integer> VOCAB = Map.of("<|eot_id|>", 128009, "</s>", 2)::get;

    @TempDir
    Path dir;

    void write(String name, String json) throws IOException {
        Files.writeString(dir.resolve(name), json);
    }

    @Test
    void generationConfigListIsTakenWholeAndBeatsConfigAndTokenizerConfig() throws IOException {
        write("generation_config.json", "{\"bos_token_id\": 128000, \"eos_token_id\": [128001, 128008, 128009]}");
        write("config.json", "{\"eos_token_id\": 128001}");
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\"}");
        assertArrayEquals(new int[] {128001, 128008, 128009}, EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void generationConfigInt() throws IOException {
        write("generation_config.json", "{\"eos_token_id\": 7}");
        assertArrayEquals(new int[] {7}, EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void configJsonWhenNoGenerationConfigOrItLacksTheField() throws IOException {
        write("config.json", "{\"model_type\": \"llama\", \"eos_token_id\": [5, 6, 5]}");
        write("tokenizer_config.json", "{\"eos_token\": \"</s>\"}");
        assertArrayEquals(new int[] {5, 6}, EosTokens.resolve(dir, VOCAB));
        write("generation_config.json", "{\"do_sample\": true}");
        assertArrayEquals(new int[] {5, 6}, EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void tokenizerConfigStringOrAddedTokenObjectIsLookedUp() throws IOException {
        write("config.json", "{\"model_type\": \"llama\"}");
        write("tokenizer_config.json", "{\"eos_token\": \"<|eot_id|>\"}");
        assertArrayEquals(new int[] {128009}, EosTokens.resolve(dir, VOCAB));
        write("tokenizer_config.json", "{\"eos_token\": {\"__type\": \"AddedToken\", \"content\": \"</s>\", \"lstrip\": false}}");
        assertArrayEquals(new int[] {2}, EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void charlabJsonRecordBeatsTheOthers() throws IOException {
        write("charlab.json", "{\"format\": 1, \"tokenizer\": \"hf\", \"eos_token_id\": [9, 10]}");
        write("generation_config.json", "{\"eos_token_id\": 7}");
        assertArrayEquals(new int[] {9, 10}, EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void noFilesOrNoFieldsGiveNoIds() throws IOException {
        assertArrayEquals(new int[0], EosTokens.resolve(dir, VOCAB));
        write("config.json", "{\"model_type\": \"qwen3\", \"eos_token_id\": null}");
        write("charlab.json", "{\"format\": 1, \"tokenizer\": \"byte\"}");
        write("tokenizer_config.json", "{\"eos_token\": null}");
        assertArrayEquals(new int[0], EosTokens.resolve(dir, VOCAB));
    }

    @Test
    void badValuesAreOneLineNamingFileAndField() throws IOException {
        write("generation_config.json", "{\"eos_token_id\": \"</s>\"}");
        BadInput e = assertThrows(BadInput.class, () -> EosTokens.resolve(dir, VOCAB));
        assertTrue(e.getMessage().contains("generation_config.json: eos_token_id must be"), e.getMessage());
        write("generation_config.json", "{\"eos_token_id\": [1, -3]}");
        assertThrows(BadInput.class, () -> EosTokens.resolve(dir, VOCAB));
        Files.delete(dir.resolve("generation_config.json"));
        write("tokenizer_config.json", "{\"eos_token\": \"<|missing|>\"}");
        e = assertThrows(BadInput.class, () -> EosTokens.resolve(dir, VOCAB));
        assertTrue(e.getMessage().contains("tokenizer_config.json: eos_token '<|missing|>' is not a token"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }
}
