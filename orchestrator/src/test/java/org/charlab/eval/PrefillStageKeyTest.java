package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.plan.Plan;
import org.charlab.plan.Planner;
import org.charlab.plan.RunPlan;
import org.charlab.stage.StageCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A prefill attack's model is a dependency of the eval stage: planned before it, handed to it under
 * its condition's role, and part of its key (another model writing turn 1 is another evaluation).
 */
class PrefillStageKeyTest {

    @TempDir
    Path dir;

    static final String EXPERIMENT = """
            name: attack
            stages:
              base: {type: pretrain, max_steps: 2, seed: 1}
              other: {type: pretrain, max_steps: 3, seed: 1}
              sft: {type: sft, input: base, max_steps: 2}
              eval:
                type: eval
                prompts: {in_distribution_per_family: 1, ood_per_family: 1}
                conditions:
                  - {name: plain}
                  - {name: attack, prefill_model: base}
            """;

    Plan plan(String yaml) throws Exception {
        Path f = dir.resolve("e.yaml");
        Files.writeString(f, yaml);
        return new Planner(StageCatalog.load()).plan(f, List.of(), null);
    }

    @Test
    void thePrefillModelsKeyIsADependencyAndPartOfTheEvalKey() throws Exception {
        Plan p = plan(EXPERIMENT);
        RunPlan r = p.runs().get(0);
        assertEquals(r.keyOf("base"), p.stages().get(r.keyOf("eval")).deps().get("conditions[1].prefill_model"));
        assertEquals(r.keyOf("sft"), p.stages().get(r.keyOf("eval")).deps().get("input"));
        Plan other = plan(EXPERIMENT.replace("prefill_model: base", "prefill_model: other"));
        RunPlan o = other.runs().get(0);
        assertEquals(r.keyOf("sft"), o.keyOf("sft"), "same evaluated model");
        assertNotEquals(r.keyOf("eval"), o.keyOf("eval"), "turn 1 by another model: another evaluation");
        assertEquals(o.keyOf("other"), other.stages().get(o.keyOf("eval")).deps().get("conditions[1].prefill_model"));
        // the same pair of models twice: the same key
        assertEquals(r.keyOf("eval"), plan(EXPERIMENT).runs().get(0).keyOf("eval"));
    }

    @Test
    void aPrefillModelThatIsNoEarlierStageIsRefused() {
        BadInput e = org.junit.jupiter.api.Assertions.assertThrows(BadInput.class,
                () -> plan(EXPERIMENT.replace("prefill_model: base", "prefill_model: bsae")));
        assertTrue(e.getMessage().contains("conditions[1].prefill_model: no earlier stage named 'bsae'"), e.getMessage());
    }
}
