package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.config.FileRef;
import org.charlab.config.Setting;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.DataFile;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;
import org.charlab.stage.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The planner reads every data file a stage kind declares (StageKind.dataFiles) before returning a
 * plan, once per file however many runs and stages name it; a kind plugs in its own format.
 */
public class DataFilesTest {

    private static final String LINE = "{\"messages\": [{\"role\": \"user\", \"content\": \"Hi\"}, "
            + "{\"role\": \"assistant\", \"content\": \"Hello.\"}]}\n";

    @TempDir
    Path dir;

    /** A kind of this test's own, whose format journals every read. */
    public static final class Reading extends AbstractStageKind<Reading.Config> {

        public record Config(@Setting(doc = "A conversations file.", def = "null") FileRef data,
                @Setting(doc = "A number that makes stages distinct.", def = "0") int n) {
        }

        final List<Path> reads = new ArrayList<>();

        Reading() {
            super("reading", "test-only: declares a data file", Config.class, 1, false);
        }

        @Override
        public List<DataFile> dataFiles(Config c) {
            return c.data() == null ? List.of() : List.of(new DataFile(c.data().path(), "journalled conversations", p -> {
                reads.add(p);
                return ConversationJsonl.read(p);
            }));
        }

        @Override
        public Stage<Config> create() {
            throw new AssertionError("planning never creates a stage");
        }
    }

    private Path experiment(String sweep) throws Exception {
        Path exp = dir.resolve("e.yaml");
        Files.writeString(exp, "name: e\nstages:\n  a: {type: reading, data: d.jsonl}\n"
                + "  b: {type: reading, data: ./d.jsonl, n: 1}\n  c: {type: reading}\n" + sweep);
        return exp;
    }

    @Test
    void eachFileIsReadOncePerPlannerHoweverManyRunsNameIt() throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), LINE + LINE);
        Path exp = experiment("sweep:\n  seeds: [0, 1, 2]\n  arms: {x: {}, y: {stages.a.n: 5}}\n");
        Reading kind = new Reading();
        Planner planner = new Planner(StageCatalog.of(kind));
        Plan p = planner.plan(exp, List.of(), null);
        assertEquals(6, p.runs().size());
        assertTrue(p.stages().size() > 6, "many distinct stages name the file: " + p.stages().size());
        assertEquals(List.of(dir.resolve("d.jsonl")), kind.reads, "read once for 6 runs x 2 stages");
        planner.plan(exp, List.of("sweep.seeds=[4]"), null);
        assertEquals(1, kind.reads.size(), "a second sweep with the same planner (one command) reads it no more");
        Files.writeString(dir.resolve("d.jsonl"), LINE);
        planner.plan(exp, List.of(), null);
        assertEquals(2, kind.reads.size(), "changed content is read again");
    }

    @Test
    void aBadLineInAKindsOwnFormatStopsPlanning() throws Exception {
        Files.writeString(dir.resolve("d.jsonl"), LINE + "{\"messages\": []}\n");
        Reading kind = new Reading();
        BadInput e = assertThrows(BadInput.class,
                () -> new Planner(StageCatalog.of(kind)).plan(experiment(""), List.of(), null));
        assertTrue(e.getMessage().startsWith(dir.resolve("d.jsonl") + ":2: "), e.getMessage());
        assertEquals(1, kind.reads.size());
    }
}
