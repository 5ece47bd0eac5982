package org.charlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.stage.StageCatalog;
import org.charlab.testing.CliRun;
import org.junit.jupiter.api.Test;

/** An eval in another charworld than its model's pretrain is refused when the sweep is planned. */
class WorldConsistencyTest {

    static final Path PRETRAIN_EVAL = Path.of("../experiments/pretrain-eval.yaml");
    static final Path QUICKSTART = Path.of("../experiments/quickstart.yaml");

    private final Planner planner = new Planner(StageCatalog.load());

    @Test
    void anEvalWhoseWorldDiffersFromItsPretrainOnTheSplitIsRefusedAtPlanTime() {
        BadInput direct = assertThrows(BadInput.class,
                () -> planner.plan(PRETRAIN_EVAL, List.of("stages.eval.world.kb_entities=60"), null));
        assertTrue(direct.getMessage().contains("kb_entities 60 (pretrain: 40)"), direct.getMessage());
        assertTrue(direct.getMessage().startsWith(PRETRAIN_EVAL.toString()), direct.getMessage());
        assertFalse(direct.getMessage().contains("\n"));
        // through an sft stage, which carries its input's world
        BadInput viaSft = assertThrows(BadInput.class,
                () -> planner.plan(QUICKSTART, List.of("stages.eval.world.test_share=0.3"), null));
        assertTrue(viaSft.getMessage().contains("test_share 0.3 (pretrain: 0.2)"), viaSft.getMessage());
        // the same change on both sides, or a field that does not decide the items, is fine
        planner.plan(PRETRAIN_EVAL, List.of("stages.eval.world.kb_entities=60", "stages.pretrain.world.kb_entities=60"),
                null);
        planner.plan(PRETRAIN_EVAL, List.of("stages.eval.world.seed=7", "stages.eval.world.examples=5"), null);
        // so does `charlab plan`: one line, exit 2
        CliRun v = CliRun.of("plan", PRETRAIN_EVAL.toString(), "stages.eval.world.kb_entities=60");
        assertEquals(2, v.exitCode(), v.out() + v.err());
        assertTrue(v.err().contains("kb_entities 60 (pretrain: 40)"), v.err());
    }
}
