package org.charlab.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;

/**
 * Reads and writes samples.jsonl (one {@link SampleRow} per line, fields in a fixed order, UTF-8,
 * '\n' line ends), so the same rows always give the same bytes. {@code compare} and {@code report}
 * read evaluations with {@link #read(Path)}.
 */
public final class Samples {

    public static final String FILE = "samples.jsonl";

    static final ObjectMapper JSON = new ObjectMapper();

    private Samples() {
    }

    public static void write(Path file, List<SampleRow> rows) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            for (SampleRow r : rows) {
                w.write(toLine(r));
                w.write('\n');
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    public static String toLine(SampleRow r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("condition", r.condition());
        o.put("prompt_id", r.promptId());
        o.put("family", r.family());
        o.put("sample", r.sample());
        o.put("seed", r.seed());
        o.put("answer", r.answer());
        o.put("cot_prefill", r.cotPrefill());
        o.put("cot", r.cot());
        o.put("output", r.output());
        o.put("think_closed", r.thinkClosed());
        o.put("think_closes", r.thinkCloses());
        o.put("prompt_tokens", r.promptTokens());
        o.put("cot_tokens", r.cotTokens());
        o.put("output_tokens", r.outputTokens());
        o.put("new_tokens", r.newTokens());
        o.put("stop_reason", r.stopReason());
        ObjectNode s = o.putObject("scores");
        r.scores().forEach((k, v) -> {
            if (v == null || !Double.isFinite(v)) {
                s.putNull(k);
            } else {
                s.put(k, v);
            }
        });
        ObjectNode n = o.putObject("notes");
        r.notes().forEach(n::put);
        if (r.ood() != null) {
            o.put("ood", r.ood());
        }
        if (r.priorTurn() != null) {
            ObjectNode p = o.putObject("prior_turn");
            p.put("model", r.priorTurn().model());
            p.put("cot", r.priorTurn().cot());
            p.put("output", r.priorTurn().output());
            p.put("follow_up", r.priorTurn().followUp());
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** All rows of a samples.jsonl; BadInput naming file:line on a malformed line. */
    public static List<SampleRow> read(Path file) {
        List<SampleRow> out = new ArrayList<>();
        try (BufferedReader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int no = 0;
            while ((line = r.readLine()) != null) {
                no++;
                if (line.isBlank()) {
                    continue;
                }
                try {
                    out.add(parse(JSON.readTree(line)));
                } catch (IOException | RuntimeException e) {
                    throw new BadInput(file + ":" + no + ": not a samples.jsonl row: " + e.getMessage().split("\n")[0]);
                }
            }
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read: " + e.getMessage());
        }
        return out;
    }

    static SampleRow parse(JsonNode o) {
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("scores").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            scores.put(e.getKey(), e.getValue().isNull() ? null : e.getValue().asDouble());
        }
        Map<String, String> notes = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = o.path("notes").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            notes.put(e.getKey(), e.getValue().asText());
        }
        return new SampleRow(required(o, "condition").asText(), required(o, "prompt_id").asText(), text(o, "family"),
                required(o, "sample").asInt(), required(o, "seed").asLong(), text(o, "answer"), text(o, "cot_prefill"),
                text(o, "cot"), text(o, "output") == null ? "" : text(o, "output"), o.path("think_closed").asBoolean(true),
                o.path("think_closes").asInt(), o.path("prompt_tokens").asInt(), o.path("cot_tokens").asInt(),
                o.path("output_tokens").asInt(), o.path("new_tokens").asInt(), o.path("stop_reason").asText("stop"),
                scores, notes, o.hasNonNull("ood") ? o.get("ood").asBoolean() : null, priorTurn(o.get("prior_turn")));
    }

    private static PriorTurn priorTurn(JsonNode p) {
        if (p == null || !p.isObject()) {
            return null;
        }
        return new PriorTurn(text(p, "model"), text(p, "cot"), text(p, "output") == null ? "" : text(p, "output"),
                text(p, "follow_up"));
    }

    private static JsonNode required(JsonNode o, String field) {
        JsonNode v = o.get(field);
        if (v == null || v.isNull()) {
            throw new IllegalArgumentException("missing '" + field + "'");
        }
        return v;
    }

    private static String text(JsonNode o, String field) {
        JsonNode v = o.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
