package org.charlab.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.charlab.config.FileRef;
import org.charlab.config.Setting;
import org.charlab.config.StageRef;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.stage.StageKind;

/**
 * Test-only stage: computes a number from its input's number, its settings and its seed, slowly if
 * asked, and journals every start into {@code <cache>/executions.log} so tests can prove that no
 * finished stage is ever computed again. With the environment variable {@value #HOLD} naming a file,
 * a stage with an input (not a first stage) waits after its first step while that file exists: a test can
 * interrupt a sweep while a stage is certainly running, however slow the machine (the variable is not
 * part of any stage key).
 */
public final class CountStageKind implements StageKind<CountStageKind.Config> {

    public record Config(
            @Setting(doc = "Added to the input's value.", def = "1.0") double value,
            @Setting(doc = "Milliseconds of pretend work, in 20 steps.", def = "0", min = 0) int workMs,
            @Setting(doc = "Throw instead of finishing.", def = "false") boolean fail,
            @Setting(doc = "A data file whose bytes are mixed into the value.", def = "null") FileRef data,
            @Setting(doc = "A second stage whose value is added.", def = "null") StageRef reference,
            @Setting(doc = "Rate in [0, 1].", def = "0.5", min = 0, max = 1) double rate,
            @Setting(doc = "A mode.", def = "fast") Mode mode) {
    }

    public enum Mode { FAST, SLOW }

    /** Environment variable naming a hold file (see the class comment). */
    public static final String HOLD = "CHARLAB_TEST_HOLD";

    @Override
    public String type() {
        return "count";
    }

    @Override
    public String summary() {
        return "test-only: adds numbers along the chain";
    }

    @Override
    public Class<Config> configType() {
        return Config.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Stage<Config> create() {
        return CountStageKind::run;
    }

    static void run(StageContext<Config> ctx) throws Exception {
        Path journal = ctx.outputDir().getParent().resolve("executions.log");
        String key = ctx.outputDir().getFileName().toString().replace(".partial", "");
        Files.writeString(journal, "start " + key + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        Config c = ctx.config();
        double v = c.value() + ctx.seed() * 1000;
        if (ctx.inputs().containsKey("input")) {
            v += read(ctx.input("input"));
        }
        if (c.reference() != null) {
            v += 0.5 * read(ctx.input("reference"));
        }
        if (c.data() != null) {
            v += Files.readAllBytes(c.data().path()).length;
        }
        for (int i = 1; i <= 20; i++) {
            if (c.workMs() > 0) {
                Thread.sleep(c.workMs() / 20);
            }
            ctx.progress().report(i, 20, "step " + i);
            String hold = System.getenv(HOLD);
            if (i == 1 && hold != null && ctx.inputs().containsKey("input") && Files.exists(Path.of(hold))) {
                ctx.progress().log("holding at step 1 while " + hold + " exists");
                while (Files.exists(Path.of(hold))) {
                    Thread.sleep(20);
                }
            }
        }
        if (c.fail()) {
            throw new IllegalStateException("asked to fail");
        }
        Files.writeString(ctx.outputDir().resolve("value.txt"), Double.toString(v));
        // a fact for stage.json (the runner moves it there and deletes the file)
        Files.writeString(ctx.outputDir().resolve(org.charlab.stage.Stage.FACTS), "{\"value\": " + v + "}\n");
    }

    static double read(Path dir) throws Exception {
        return Double.parseDouble(Files.readString(dir.resolve("value.txt")));
    }
}
