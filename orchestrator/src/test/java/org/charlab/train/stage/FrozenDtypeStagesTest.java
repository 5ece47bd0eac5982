package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.ConfigWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dpo's reference_dtype and opd's teacher_dtype: fp16 copies through the stages, bf16 refused, fp32 unchanged. */
class FrozenDtypeStagesTest {

    static JsonNode firstMetrics(Path out) throws Exception {
        return TrainingStagesTest.JSON.readTree(Files.readAllLines(out.resolve("metrics.jsonl")).get(0));
    }

    @Test
    void dpoWithAnFp16ReferenceStillStartsAtLn2(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        DpoConfig plain = PreferenceStagesTest.bind(DpoConfig.class, "");
        DpoConfig half = PreferenceStagesTest.bind(DpoConfig.class, "reference_dtype: fp16\n");
        assertEquals(FrozenDtype.FP16, half.referenceDtype());
        double fp32 = firstMetrics(PreferenceStagesTest.run(tmp, "fp32", plain, new DpoStage())).get("dpo_loss")
                .asDouble();
        double fp16 = firstMetrics(PreferenceStagesTest.run(tmp, "fp16", half, new DpoStage())).get("dpo_loss")
                .asDouble();
        assertEquals(Math.log(2), fp32, 1e-6, "policy = reference");
        assertEquals(Math.log(2), fp16, 1e-4, "the fp16 reference differs from the policy by rounding only");
        assertNotEquals(fp32, fp16, "the reference really is stored in fp16");
    }

    @Test
    void opdWithAnFp16TeacherScoresAsTheFp32One(@TempDir Path tmp) throws Exception {
        TrainingStagesTest.microModel(Files.createDirectories(tmp.resolve("base")));
        String yaml = "max_new_tokens: 8\ntraits: pirate\n";
        double fp32 = firstMetrics(PreferenceStagesTest.run(tmp, "fp32", PreferenceStagesTest.bind(OpdConfig.class,
                yaml), new OpdStage())).get("reverse_kl").asDouble();
        double fp16 = firstMetrics(PreferenceStagesTest.run(tmp, "fp16", PreferenceStagesTest.bind(OpdConfig.class,
                yaml + "teacher_dtype: fp16\n"), new OpdStage())).get("reverse_kl").asDouble();
        assertTrue(fp32 > 0, "the privileged prompt makes the teacher differ");
        assertEquals(fp32, fp16, 1e-2 * fp32, "same samples (the student's), teacher logits within rounding");
        assertNotEquals(fp32, fp16);
    }

    @Test
    void bf16IsRefusedInOneLineAndFp32LeavesTheResolvedConfigAsBefore() {
        BadInput d = assertThrows(BadInput.class, () -> PreferenceStagesTest.bind(DpoConfig.class,
                "reference_dtype: bf16\n"));
        assertTrue(d.getMessage().contains("stages.x") && d.getMessage().contains("reference_dtype: bf16 is refused")
                && d.getMessage().contains("aborts the JVM"), d.getMessage());
        assertFalse(d.getMessage().contains("\n"), d.getMessage());
        BadInput o = assertThrows(BadInput.class, () -> PreferenceStagesTest.bind(OpdConfig.class,
                "teacher_dtype: bf16\n"));
        assertTrue(o.getMessage().contains("teacher_dtype: bf16 is refused"), o.getMessage());
        assertThrows(BadInput.class, () -> PreferenceStagesTest.bind(DpoConfig.class, "reference_dtype: fp8\n"));

        Map<?, ?> plain = (Map<?, ?>) ConfigWriter.toPlain(PreferenceStagesTest.bind(DpoConfig.class, ""));
        assertFalse(plain.containsKey("reference_dtype"), "unset: the resolved config has no new key");
        Map<?, ?> half = (Map<?, ?>) ConfigWriter.toPlain(PreferenceStagesTest.bind(DpoConfig.class,
                "reference_dtype: fp16\n"));
        assertEquals("fp16", half.get("reference_dtype"));
        Map<?, ?> opd = (Map<?, ?>) ConfigWriter.toPlain(PreferenceStagesTest.bind(OpdConfig.class, ""));
        assertFalse(opd.containsKey("teacher_dtype"));
    }
}
