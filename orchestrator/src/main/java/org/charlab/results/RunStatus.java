package org.charlab.results;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** status.json of one run: its state and each stage's, with reasons for failures. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RunStatus(String run, State state, String updated, List<StageStatus> stages) {

    public enum State { PENDING, RUNNING, DONE, FAILED, INTERRUPTED }

    /** One stage of the run. {@code cached} means it was already finished when this sweep needed it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record StageStatus(String name, String key, State state, Boolean cached, String started, String ended,
            Double seconds, String reason, String jobId) {

        public StageStatus with(State s, String reason) {
            return new StageStatus(name, key, s, cached, started, ended, seconds, reason, jobId);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public void write(Path file) {
        try {
            AtomicFiles.write(file, JSON.writeValueAsBytes(this));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RunStatus read(Path file) {
        try {
            return Files.exists(file) ? JSON.readValue(file.toFile(), RunStatus.class) : null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The run's state derived from its stages: failed beats interrupted beats running beats pending. */
    public static State derive(List<StageStatus> stages) {
        if (stages.stream().allMatch(s -> s.state() == State.DONE)) {
            return State.DONE;
        }
        for (State s : List.of(State.FAILED, State.INTERRUPTED, State.RUNNING)) {
            if (stages.stream().anyMatch(x -> x.state() == s)) {
                return s;
            }
        }
        return State.PENDING;
    }
}
