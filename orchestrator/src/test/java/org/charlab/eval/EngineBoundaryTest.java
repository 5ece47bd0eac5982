package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Only EvalStage and TraitLikelihood (the teacher-forced scoring it runs with the loaded model) touch
 * the engine; scorers, metrics, readers and the judge stay engine-free for compare/report.
 */
class EngineBoundaryTest {

    @Test
    void onlyEvalStageAndTraitLikelihoodImportTheEngineOrTheModel() throws Exception {
        Path root = Path.of("src/main/java/org/charlab/eval");
        List<String> offenders = new ArrayList<>();
        List<String> files = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(f -> f.toString().endsWith(".java")).toList()) {
                files.add(p.getFileName().toString());
                // the model's plain arithmetic (no ai.djl inside) is fine: EvalStageKind estimates memory with it
                // and so is ChatSettings (a config record, no ai.djl): EvalConfig's chat group
                String src = Files.readString(p).replace("import org.charlab.model.MemoryArithmetic;", "")
                        .replace("import org.charlab.model.ModelConfig;", "")
                        .replace("import org.charlab.model.ChatSettings;", "");
                boolean engine = src.contains("import ai.djl") || src.contains("import org.charlab.model")
                        || src.contains("import org.charlab.generate");
                // PrefillAttack: the other model's turn 1 of a prefill attack, generated before EvalStage's own;
                // TraitLikelihood: teacher-forced log-probabilities of reference outputs
                if (engine && !List.of("EvalStage.java", "PrefillAttack.java", "TraitLikelihood.java")
                        .contains(p.getFileName().toString())) {
                    offenders.add(p.toString());
                }
            }
        }
        assertTrue(files.contains("EvalStage.java") && files.size() > 10, files.toString());
        assertEquals(List.of(), offenders);
    }
}
