package org.charlab.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.charlab.BadInput;
import org.charlab.stats.Interval;
import org.charlab.stats.Method;

/**
 * metrics.json: the metrics of one evaluation with their intervals (schema in
 * docs/results-format.md). {@link #read(Path)} gives the entries back for {@code compare}.
 */
public final class MetricsReport {

    public static final String FILE = "metrics.json";
    public static final int FORMAT = 1;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private MetricsReport() {
    }

    /** Writes the entries (and how they were computed) atomically. */
    public static void write(Path file, List<MetricEntry> entries, BootstrapSettings b, int samples) throws IOException {
        write(file, entries, b, samples, Map.of());
    }

    /**
     * Writes the entries atomically, with {@code pools} (pooled view -> its conditions,
     * {@link Conditions#pools}) as field "pools" when there are any.
     */
    public static void write(Path file, List<MetricEntry> entries, BootstrapSettings b, int samples,
            Map<String, List<String>> pools) throws IOException {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("format", FORMAT);
        Map<String, Object> boot = new LinkedHashMap<>();
        boot.put("method", b.method().method().label());
        boot.put("level", b.level());
        boot.put("resamples", b.resamples());
        boot.put("seed", b.seed());
        doc.put("bootstrap", boot);
        doc.put("samples", samples);
        Set<String> conditions = new LinkedHashSet<>();
        entries.forEach(e -> conditions.add(e.condition()));
        doc.put("conditions", List.copyOf(conditions));
        if (!pools.isEmpty()) {
            doc.put("pools", pools);
        }
        List<Map<String, Object>> ms = new ArrayList<>();
        entries.forEach(e -> ms.add(e.toMap()));
        doc.put("metrics", ms);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, JSON.writeValueAsString(doc) + "\n");
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    /** The entries of a metrics.json, in file order. */
    public static List<MetricEntry> read(Path file) {
        JsonNode doc;
        try {
            doc = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read metrics: " + e.getMessage().split("\n")[0]);
        }
        if (doc.path("format").asInt() != FORMAT) {
            throw new BadInput(file + ": metrics format " + doc.path("format") + " is not " + FORMAT);
        }
        List<MetricEntry> out = new ArrayList<>();
        for (JsonNode m : doc.path("metrics")) {
            String undefined = m.path("undefined").isNull() || m.path("undefined").isMissingNode() ? null
                    : m.path("undefined").asText();
            Interval iv = new Interval(num(m, "estimate"), num(m, "low"), num(m, "high"), num(m, "se"),
                    Method.parse(m.path("method").asText()), m.path("level").asDouble(), m.path("resamples").asInt(),
                    m.path("seed").asLong(0), m.path("n").asInt(), m.path("clusters").asInt(),
                    m.path("resampling").asText(), undefined);
            out.add(new MetricEntry(m.path("name").asText(), m.path("condition").asText(), m.path("family").asText(),
                    iv, m.path("n").asInt(), m.path("clusters").asInt()));
        }
        return out;
    }

    /** The pooled views of a metrics.json ("pools": pool -> its conditions), empty when it has none. */
    public static Map<String, List<String>> pools(Path file) {
        JsonNode doc;
        try {
            doc = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read metrics: " + e.getMessage().split("\n")[0]);
        }
        Map<String, List<String>> out = new LinkedHashMap<>();
        doc.path("pools").fields().forEachRemaining(e -> {
            List<String> members = new ArrayList<>();
            e.getValue().forEach(m -> members.add(m.asText()));
            out.put(e.getKey(), List.copyOf(members));
        });
        return out;
    }

    /** The entry named {@code name} for (condition, family), or null. */
    public static MetricEntry find(List<MetricEntry> entries, String name, String condition, String family) {
        for (MetricEntry e : entries) {
            if (e.name().equals(name) && e.condition().equals(condition) && e.family().equals(family)) {
                return e;
            }
        }
        return null;
    }

    private static double num(JsonNode m, String f) {
        JsonNode v = m.get(f);
        return v == null || v.isNull() ? Double.NaN : v.asDouble();
    }
}
