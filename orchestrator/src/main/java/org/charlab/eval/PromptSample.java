package org.charlab.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@value #FILE}: the first generation prompt of each condition exactly as the model saw it - the
 * chat format that rendered it (template, chatml or plain), its token ids and their text with special
 * tokens - so a run on a user's checkpoint shows which conversation format it was evaluated in (the
 * eval's counterpart of sft's train_sample.jsonl).
 */
final class PromptSample {

    static final String FILE = "prompt_sample.jsonl";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String format;
    private final List<Map<String, Object>> rows = new ArrayList<>();

    /** @param format the chat format's name: template, chatml or plain */
    PromptSample(String format) {
        this.format = format;
    }

    /** Records one prompt of {@code condition}. */
    void add(String condition, String promptId, String text, int[] ids) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("condition", condition);
        r.put("prompt_id", promptId);
        r.put("chat_format", format);
        r.put("text", text);
        r.put("ids", ids);
        rows.add(r);
    }

    void write(Path file) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (Map<String, Object> r : rows) {
            sb.append(JSON.writeValueAsString(r)).append('\n');
        }
        Files.writeString(file, sb.toString());
    }
}
