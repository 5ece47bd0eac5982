package org.charlab.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.LoraAdapters;
import org.charlab.model.LoraTargets;
import org.charlab.model.SafeTensors;
import org.charlab.model.TestModels;
import org.charlab.stage.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The trainer with LoRA adapters: only they move, only they have optimizer state, and the loss falls. */
class LoraTrainingTest {

    static {
        TestModels.oneThread();
    }

    @Test
    void loraSftLowersTheLossAndLeavesTheBaseBitIdentical(@TempDir Path dir) throws Exception {
        try (NDManager root = NDManager.newBaseManager();
                Decoder d = TestModels.sharpened(Decoder.init(TrainerTest.model(), root, 1))) {
            Map<String, float[]> before = new LinkedHashMap<>();
            d.parameters().forEach((k, v) -> before.put(k, v.toFloatArray()));
            LoraAdapters l = LoraAdapters.attach(d, 8, 16, 0, LoraTargets.MODULES, 42);
            TrainConfig cfg = TrainerTest.cfg(12).withCheckpointEvery(4);
            new Trainer<>(cfg, 1e-2, new SftObjective(), d, TrainerTest.TOK, dir, 42, Progress.SILENT)
                    .train(TrainerTest.rows(LossOn.OUTPUT));
            d.parameters().forEach((k, v) -> assertArrayEquals(before.get(k), v.toFloatArray(), k + " is frozen"));
            // against the same batches with the adapters left at step 0 (learning rate ~0); tied random
            // embeddings bound what any projection can do to the logits, hence a modest margin
            double last = lastLoss(dir);
            double control;
            try (Decoder c = TestModels.sharpened(Decoder.init(TrainerTest.model(), root, 1))) {
                LoraAdapters.attach(c, 8, 16, 0, LoraTargets.MODULES, 42);
                new Trainer<>(TrainerTest.cfg(12), 1e-12, new SftObjective(), c, TrainerTest.TOK, dir.resolve("control"),
                        42, Progress.SILENT).train(TrainerTest.rows(LossOn.OUTPUT));
                control = lastLoss(dir.resolve("control"));
            }
            assertTrue(last < control - 0.1, "last loss " + last + " vs untrained adapters " + control);
            float[] b = l.parameters().get("model.layers.0.mlp.down_proj.lora_B.weight").toFloatArray();
            float sum = 0;
            for (float x : b) {
                sum += Math.abs(x);
            }
            assertTrue(sum > 0, "B trained");

            // the checkpoint: adapters instead of the model, AdamW moments for the adapters only
            Path ck = dir.resolve(Trainer.CHECKPOINT);
            assertFalse(Files.exists(ck.resolve(Checkpoint.WEIGHTS)));
            assertTrue(Files.isRegularFile(ck.resolve(Trainer.ADAPTER).resolve(LoraAdapters.WEIGHTS)));
            TreeSet<String> want = new TreeSet<>();
            for (String k : l.parameters().keySet()) {
                want.add("m." + k);
                want.add("v." + k);
            }
            try (NDManager m = NDManager.newBaseManager()) {
                Map<String, NDArray> opt = SafeTensors.read(ck.resolve(Trainer.OPTIMIZER), m);
                assertEquals(want, new TreeSet<>(opt.keySet()));
            }
        }
    }

    static double lastLoss(Path dir) throws Exception {
        List<String> lines = Files.readAllLines(dir.resolve(Trainer.METRICS));
        return TrainerTest.JSON.readTree(lines.get(lines.size() - 1)).get("loss").asDouble();
    }

    @Test
    void anInterruptedLoraRunResumesToTheUninterruptedAdapters(@TempDir Path dir) throws Exception {
        TrainConfig cfg = TrainerTest.cfg(6).withCheckpointEvery(2);
        float[] whole;
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainerTest.model(), root, 1)) {
            LoraAdapters l = LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 42);
            new Trainer<>(cfg, 1e-2, new SftObjective(), d, TrainerTest.TOK, dir.resolve("a"), 42, Progress.SILENT)
                    .train(TrainerTest.rows(LossOn.OUTPUT));
            whole = l.parameters().get("model.layers.1.self_attn.v_proj.lora_B.weight").toFloatArray();
        }
        try (NDManager root = NDManager.newBaseManager()) {
            try (Decoder d = Decoder.init(TrainerTest.model(), root, 1)) {
                LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 42);
                new Trainer<>(cfg, 1e-2, new SftObjective(), d, TrainerTest.TOK, dir.resolve("b"), 42, Progress.SILENT)
                        .stopAfter(2).train(TrainerTest.rows(LossOn.OUTPUT));
            }
            try (Decoder d = Decoder.init(TrainerTest.model(), root, 1)) {
                LoraAdapters l = LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 42);
                l.load(Trainer.resumeDir(dir.resolve("b")).resolve(Trainer.ADAPTER));
                Trainer.Result r = new Trainer<>(cfg, 1e-2, new SftObjective(), d, TrainerTest.TOK, dir.resolve("b"), 42,
                        Progress.SILENT).train(TrainerTest.rows(LossOn.OUTPUT));
                assertEquals(2, r.resumedFromStep());
                assertArrayEquals(whole, l.parameters().get("model.layers.1.self_attn.v_proj.lora_B.weight")
                        .toFloatArray());
            }
        }
    }
}
