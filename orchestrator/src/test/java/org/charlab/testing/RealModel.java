package org.charlab.testing;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The tiny trained Llama of {@code shared/real-model/hf} (an HF directory with no chat template; see its
 * README), found in a {@code shared/} folder beside the working directory or one of its parents, or at
 * {@code $CHARLAB_REAL_MODEL}. Never copied into git. Absent (no CI job provides it yet): the test is
 * skipped, with the reason printed to stderr so the build log shows it.
 */
public final class RealModel {

    private RealModel() {
    }

    /** The HF directory, or a skip with the reason. */
    public static Path hfDir() {
        String env = System.getenv("CHARLAB_REAL_MODEL");
        if (env != null) {
            return present(Path.of(env), "$CHARLAB_REAL_MODEL=" + env);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path hf = d.resolve("shared").resolve("real-model").resolve("hf");
            if (Files.isRegularFile(hf.resolve("config.json"))) {
                return hf;
            }
        }
        return present(null, "shared/real-model/hf beside " + Path.of("").toAbsolutePath() + " or a parent");
    }

    private static Path present(Path hf, String where) {
        if (hf != null && Files.isRegularFile(hf.resolve("config.json"))) {
            return hf;
        }
        String reason = "real model absent (" + where + "); the test needs shared/real-model/hf";
        System.err.println("SKIPPED: " + reason);
        Assumptions.abort(reason);
        return null;
    }
}
