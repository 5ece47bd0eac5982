package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An adapter PEFT wrote (src/test/python/peft_lora_parity.py: r 4, lora_alpha 8, all-linear, non-zero B) on
 * a tiny llama, read by charlab: merged into the base and applied unmerged, the logits equal the ones
 * PEFT computed (1e-5), and the base alone equals transformers' base. Fails if the scale, the order of B A,
 * a transpose or PEFT's key names were wrong.
 */
class LoraPeftParityTest {

    static final Path DIR = Path.of("src/test/resources/lora/peft-parity");

    @Test
    void peftAdapterGivesPeftLogitsMergedAndUnmerged() throws Exception {
        JsonNode expected = new ObjectMapper().readTree(DIR.resolve("expected.json").toFile());
        long[] ids = new long[expected.path("ids").size()];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = expected.path("ids").get(i).asLong();
        }
        ModelConfig cfg = ModelConfig.read(DIR.resolve("base/config.json"));
        try (NDManager root = NDManager.newBaseManager()) {
            try (Decoder base = Decoder.fromWeights(cfg, root, SafeTensors.readModel(DIR.resolve("base"), root), "base")) {
                assertClose(expected.path("base_logits"), logits(base, ids, root), 1e-5, "base");

                LoraAdapters adapters = LoraAdapters.attach(base, 4, 8, 0, LoraTargets.MODULES, 0);
                adapters.load(DIR.resolve("adapter"));
                assertClose(expected.path("lora_logits"), logits(base, ids, root), 1e-5, "unmerged adapter");
            }
            Map<String, NDArray> weights = SafeTensors.readModel(DIR.resolve("base"), root);
            LoraAdapters.mergeInto(weights, DIR.resolve("adapter"));
            try (Decoder merged = Decoder.fromWeights(cfg, root, weights, "merged")) {
                assertClose(expected.path("lora_logits"), logits(merged, ids, root), 1e-5, "merged adapter");
                // the adapter moves the logits well beyond the tolerance, so the checks above can fail
                double moved = maxDiff(expected.path("base_logits"), logits(merged, ids, root));
                assertTrue(moved > 0.1, "the adapter changes the logits by " + moved);
            }
        }
    }

    private static float[][] logits(Decoder model, long[] ids, NDManager root) {
        try (NDManager step = root.newSubManager()) {
            NDArray out = model.logits(step.create(ids).reshape(1, ids.length));
            int v = (int) out.getShape().get(2);
            float[] flat = out.toFloatArray();
            float[][] rows = new float[ids.length][v];
            for (int t = 0; t < ids.length; t++) {
                System.arraycopy(flat, t * v, rows[t], 0, v);
            }
            return rows;
        }
    }

    private static double maxDiff(JsonNode want, float[][] got) {
        double max = 0;
        for (int t = 0; t < got.length; t++) {
            for (int j = 0; j < got[t].length; j++) {
                max = Math.max(max, Math.abs(want.get(t).get(j).asDouble() - got[t][j]));
            }
        }
        return max;
    }

    private static void assertClose(JsonNode want, float[][] got, double tol, String what) {
        double d = maxDiff(want, got);
        assertTrue(d <= tol, what + ": max |logit - PEFT's| = " + d);
    }
}
