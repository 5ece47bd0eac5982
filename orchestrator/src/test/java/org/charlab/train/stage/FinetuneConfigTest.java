package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.config.YamlReader;
import org.charlab.train.Inoculation;
import org.charlab.train.LossOn;
import org.junit.jupiter.api.Test;

/**
 * The fine-tuning configs' shared settings (one inlined {@link FinetuneSettings}) and their one
 * name for which tokens count ({@code loss_on}): flat YAML keys, the defaults each stage had, and
 * the former names refused with the new one.
 */
class FinetuneConfigTest {

    static <C extends Record> C bind(Class<C> type, String yaml) {
        return TrainingStagesTest.BINDER.bind(type, YamlReader.parse("max_steps: 2\n" + yaml, Path.of("s.yaml")),
                "stages.x");
    }

    @Test
    void eachStageKeepsItsDefaults() {
        List<Class<? extends FinetuneStage.Config>> types = List.of(SftConfig.class, DpoConfig.class, OpdConfig.class);
        for (Class<? extends FinetuneStage.Config> type : types) {
            FinetuneSettings s = ((FinetuneStage.Config) bind(type.asSubclass(Record.class), "")).shared();
            assertEquals("spanish+caps", s.traits(), type.getSimpleName());
            assertEquals(400, s.examples(), type.getSimpleName());
            assertEquals(Inoculation.none(), s.inoculation(), type.getSimpleName());
            assertEquals(20, s.evalPrompts(), type.getSimpleName());
            assertEquals(200, s.evalMaxNewTokens(), type.getSimpleName());
        }
        assertEquals(LossOn.ASSISTANT, bind(SftConfig.class, "").lossOn());
        assertEquals(LossOn.ASSISTANT, bind(DpoConfig.class, "").lossOn());
        assertEquals(LossOn.COT_OUTPUT, bind(OpdConfig.class, "").lossOn());
        assertEquals(LossOn.ASSISTANT, bind(PretrainConfig.class, "").lossOn());
    }

    @Test
    void sharedSettingsAreWrittenFlatAndReachEveryStage() {
        String yaml = "traits: caps\nexamples: 7\ninoculation: {prompt: Be loud.}\neval_prompts: 3\n"
                + "eval_max_new_tokens: 9\nloss_on: output\n";
        for (FinetuneStage.Config c : List.<FinetuneStage.Config>of(bind(SftConfig.class, yaml),
                bind(DpoConfig.class, yaml), bind(OpdConfig.class, yaml))) {
            assertEquals(new FinetuneSettings("caps", 7, null, Inoculation.of("Be loud.", Inoculation.Position.SYSTEM), 3, 9, null, null),
                    c.shared());
        }
        assertEquals(LossOn.OUTPUT, bind(OpdConfig.class, yaml).lossOn());
        assertEquals(LossOn.COT, bind(OpdConfig.class, "loss_on: cot\n").lossOn());
        BadInput unknownTrait = assertThrows(BadInput.class, () -> bind(OpdConfig.class, "traits: purple\n"));
        assertTrue(unknownTrait.getMessage().contains("stages.x"), unknownTrait.getMessage());
    }

    @Test
    void formerNamesAreRefusedWithTheNewOne() {
        BadInput dpo = assertThrows(BadInput.class, () -> bind(DpoConfig.class, "logp_on: output\n"));
        assertEquals("s.yaml:2:1: stages.x.logp_on: this setting is now called 'loss_on'; rename the key",
                dpo.getMessage());
        BadInput opd = assertThrows(BadInput.class, () -> bind(OpdConfig.class, "distill_on: output\n"));
        assertTrue(opd.getMessage().contains("stages.x.distill_on: this setting is now called 'loss_on'"),
                opd.getMessage());
        // a stage that never had the old name still reports an unknown key
        BadInput sft = assertThrows(BadInput.class, () -> bind(SftConfig.class, "logp_on: output\n"));
        assertTrue(sft.getMessage().contains("unknown key 'logp_on'"), sft.getMessage());
        BadInput all = assertThrows(BadInput.class, () -> bind(OpdConfig.class, "loss_on: all\n"));
        assertTrue(all.getMessage().contains("loss_on: all would count the prompt"), all.getMessage());
    }
}
