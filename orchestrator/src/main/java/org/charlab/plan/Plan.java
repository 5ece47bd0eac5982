package org.charlab.plan;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A whole sweep, expanded and validated before anything runs, frozen as plan.json. Everything an
 * executor (local or Slurm) needs to run any stage is in here, so it never depends on the process
 * that planned it. {@code recompute} maps each stage name that {@code run --recompute} named (in
 * this or an earlier invocation on this sweep) to its nonce; see {@link Planner}.
 */
public record Plan(
        String experiment,
        String sweepId,
        String question,
        String source,
        List<String> commandLineOverrides,
        String charlabVersion,
        List<RunPlan> runs,
        Map<String, StagePlan> stages,
        Map<String, String> recompute) {

    public Plan {
        recompute = recompute == null ? Map.of() : Map.copyOf(recompute);
    }

    public static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public RunPlan run(String id) {
        return runs.stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no run '" + id + "' in sweep " + sweepId));
    }

    /** Stage keys in an order where every stage comes after the stages it depends on. */
    public List<String> stageOrder() {
        Map<String, Boolean> seen = new LinkedHashMap<>();
        for (RunPlan r : runs) {
            for (RunPlan.Step s : r.stages()) {
                visit(s.key(), seen);
            }
        }
        return List.copyOf(seen.keySet());
    }

    private void visit(String key, Map<String, Boolean> seen) {
        if (seen.containsKey(key)) {
            return;
        }
        for (String dep : stages.get(key).deps().values()) {
            visit(dep, seen);
        }
        seen.put(key, true);
    }

    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Plan read(Path file) {
        try {
            return JSON.readValue(file.toFile(), Plan.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read plan " + file, e);
        }
    }
}
