package org.charlab.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.charlab.BadInput;
import org.charlab.model.Checkpoint;

/**
 * The model directory a user names on the command line, accepting what they would paste from the
 * results tree: an HF-style directory (config.json, model.safetensors, tokenizer.json), or a
 * charlab stage's output, whose model is in {@code model/}
 * ({@code results/<experiment>/<sweep>/runs/<run>/stages/<stage>} or
 * {@code results/.cache/stages/<key>}). A run or sweep directory, a stage without a model (eval)
 * and anything else are refused with one line saying what to give instead.
 */
final class ModelDir {

    static final String STAGE_MODEL = "model";

    private ModelDir() {
    }

    static Path resolve(String arg) {
        Path p = Path.of(arg);
        if (!Files.exists(p)) {
            throw new BadInput("MODEL '" + arg + "' does not exist");
        }
        if (!Files.isDirectory(p)) {
            throw new BadInput("MODEL '" + arg + "' is a file; give the directory holding " + Checkpoint.CONFIG + ", "
                    + Checkpoint.WEIGHTS + " and " + Checkpoint.TOKENIZER);
        }
        if (Files.isRegularFile(p.resolve(Checkpoint.CONFIG))) {
            return p;
        }
        if (Files.isRegularFile(p.resolve(STAGE_MODEL).resolve(Checkpoint.CONFIG))) {
            return p.resolve(STAGE_MODEL);
        }
        if (Files.isDirectory(p.resolve("stages"))) {
            List<String> withModel = stagesWithModel(p.resolve("stages"));
            throw new BadInput("MODEL '" + arg + "' is a run directory; give one of its stages"
                    + (withModel.isEmpty() ? " (none has a model yet)"
                    : ": " + String.join(", ", withModel.stream().map(s -> p.resolve("stages").resolve(s).toString())
                    .toList())));
        }
        if (Files.isDirectory(p.resolve("runs"))) {
            throw new BadInput("MODEL '" + arg + "' is a sweep directory; give a stage of one of its runs: "
                    + p.resolve("runs").resolve("<run>").resolve("stages").resolve("<stage>"));
        }
        if (Files.isRegularFile(p.resolve("stage.json"))) {
            throw new BadInput("MODEL '" + arg + "' is a stage output without a model (an eval stage?); give a "
                    + "training stage's directory");
        }
        throw new BadInput("MODEL '" + arg + "' is not a model directory: no " + Checkpoint.CONFIG
                + " (an HF-style directory) and no " + STAGE_MODEL + "/" + Checkpoint.CONFIG + " (a charlab stage)");
    }

    private static List<String> stagesWithModel(Path stages) {
        try (Stream<Path> s = Files.list(stages)) {
            return s.filter(d -> Files.isRegularFile(d.resolve(STAGE_MODEL).resolve(Checkpoint.CONFIG)))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
