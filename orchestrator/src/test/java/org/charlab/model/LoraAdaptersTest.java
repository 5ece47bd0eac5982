package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LoRA on the decoder: exact base at step 0, merge, PEFT files, counts, frozen base, the no-copy view. */
class LoraAdaptersTest {

    static {
        TestModels.oneThread();
    }

    static final ObjectMapper JSON = new ObjectMapper();
    static final long[] IDS = {3, 70, 71, 72, 101, 9, 44, 250, 12, 13, 14, 15};

    /** 2 layers, D=16, 4 heads / 2 KV heads of 4, I=24: q [16,16], k v [8,16], o [16,16], gate up [24,16], down [16,24]. */
    static ModelConfig cfg() {
        return TestModels.micro("llama", false);
    }

    static float[] logits(Decoder d) {
        try (NDManager step = d.manager().newSubManager()) {
            return d.logits(step.create(IDS, new Shape(2, 6))).toFloatArray();
        }
    }

    /** Fills every B with seeded noise so the adapters change the output (B is zero after init). */
    static void randomiseB(LoraAdapters l, long seed) {
        SplittableRandom rng = new SplittableRandom(seed);
        for (Map.Entry<String, NDArray> e : l.parameters().entrySet()) {
            if (e.getKey().endsWith("lora_B.weight")) {
                float[] v = new float[(int) e.getValue().size()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (rng.nextGaussian() * 0.3);
                }
                e.getValue().set(v);
            }
        }
    }

    static double maxDiff(float[] a, float[] b) {
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]));
        }
        return m;
    }

    @Test
    void atStepZeroTheAdaptedModelIsTheBaseExactlyAndAIsPeftsKaimingUniform() {
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            float[] base = logits(d);
            LoraAdapters l = LoraAdapters.attach(d, 4, 8, 0, LoraTargets.MODULES, 7);
            assertArrayEquals(base, logits(d), "B = 0: h = W x exactly");
            for (Map.Entry<String, NDArray> e : l.parameters().entrySet()) {
                float[] v = e.getValue().toFloatArray();
                if (e.getKey().endsWith("lora_B.weight")) {
                    for (float x : v) {
                        assertEquals(0f, x);
                    }
                } else {
                    double bound = 1 / Math.sqrt(e.getValue().getShape().get(1));
                    double max = 0;
                    for (float x : v) {
                        max = Math.max(max, Math.abs(x));
                    }
                    assertTrue(max <= bound && max > 0.8 * bound, e.getKey() + ": U(-1/sqrt(in), 1/sqrt(in))");
                }
            }
            // seeded: the same seed draws the same A bit for bit, another seed another A
            try (Decoder d2 = Decoder.init(cfg(), root, 1); Decoder d3 = Decoder.init(cfg(), root, 1)) {
                LoraAdapters same = LoraAdapters.attach(d2, 4, 8, 0, LoraTargets.MODULES, 7);
                LoraAdapters other = LoraAdapters.attach(d3, 4, 8, 0, LoraTargets.MODULES, 8);
                String a0 = "model.layers.0.self_attn.q_proj.lora_A.weight";
                assertArrayEquals(l.parameters().get(a0).toFloatArray(), same.parameters().get(a0).toFloatArray());
                assertFalse(java.util.Arrays.equals(l.parameters().get(a0).toFloatArray(),
                        other.parameters().get(a0).toFloatArray()));
            }
        }
    }

    @Test
    void trainableCountIsTheSumOfRTimesInPlusOutOverTargetedModules() {
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            long full = 0;
            for (NDArray p : d.parameters().values()) {
                full += p.size();
            }
            assertEquals(full, d.trainableCount(), "full fine-tune: every weight");
            LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 7);
            // per layer q: 4*(16+16), v: 4*(16+8); two layers
            assertEquals(2 * (4 * (16 + 16) + 4 * (16 + 8)), d.trainableCount());
            try (Decoder e = Decoder.init(cfg(), root, 1)) {
                LoraAdapters.attach(e, 2, 8, 0, LoraTargets.resolve(List.of(LoraTargets.ALL_LINEAR)), 7);
                // q 16+16, k 16+8, v 16+8, o 16+16, gate 16+24, up 16+24, down 24+16 = 232 per layer, r=2
                assertEquals(2 * 2 * 232, e.trainableCount());
                assertEquals(14 * 2, e.adapters().parameters().size(), "never lm_head or embeddings");
            }
        }
    }

    @Test
    void frozenBaseGetsNoGradientTheAdaptersDo() {
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            LoraAdapters l = LoraAdapters.attach(d, 4, 8, 0, LoraTargets.PEFT_DEFAULT, 7);
            d.setTrainable(true);
            try (NDManager step = d.manager().newSubManager();
                    GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray out = d.logits(step.create(IDS, new Shape(2, 6)));
                gc.backward(out.square().mean());
            }
            for (Map.Entry<String, NDArray> e : d.parameters().entrySet()) {
                assertFalse(e.getValue().hasGradient(), e.getKey() + " is frozen");
            }
            NDArray b = l.parameters().get("model.layers.1.self_attn.v_proj.lora_B.weight");
            assertTrue(b.hasGradient());
            float[] g = b.getGradient().toFloatArray();
            double n = 0;
            for (float x : g) {
                n += x * x;
            }
            assertTrue(n > 0, "B gets a gradient through A x");
            d.setTrainable(false);
        }
    }

    @Test
    void mergedWeightsAndTheSavedStackGiveTheAdaptedLogits(@TempDir Path tmp) throws Exception {
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            Checkpoint.save(tmp.resolve("base"), d, new ByteTokenizer(), Map.of());
            float[] base = logits(d);
            LoraAdapters l = LoraAdapters.attach(d, 4, 16, 0, LoraTargets.MODULES, 7);
            randomiseB(l, 3);
            float[] adapted = logits(d);
            assertTrue(maxDiff(base, adapted) > 1e-2, "the adapters change the output");
            l.save(tmp.resolve("adapter"), "base");
            Checkpoint.saveStack(tmp.resolve("stack"), d.config(), new ByteTokenizer(), Map.of("stage", "t"),
                    tmp.resolve("base"), List.of(tmp.resolve("adapter")));
            assertFalse(Files.exists(tmp.resolve("stack").resolve(Checkpoint.WEIGHTS)), "the base is not copied");
            try (Checkpoint.Loaded s = Checkpoint.load(tmp.resolve("stack"), root)) {
                assertNull(s.model().adapters());
                assertTrue(maxDiff(adapted, logits(s.model())) < 1e-5, "base + adapter merged on load");
            }
            l.merge(d);
            assertNull(d.adapters());
            assertTrue(maxDiff(adapted, logits(d)) < 1e-5, "merged in place");
        }
    }

    @Test
    void peftKeyNamesShapesAndConfigFieldsAsPeftWritesThem(@TempDir Path tmp) throws Exception {
        JsonNode golden = JSON.readTree(LoraAdaptersTest.class.getResourceAsStream("/lora/peft_llama_golden.json"));
        JsonNode gc = golden.get("adapter_config");
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            LoraAdapters l = LoraAdapters.attach(d, gc.get("r").asInt(), gc.get("lora_alpha").asDouble(),
                    gc.get("lora_dropout").asDouble(), LoraTargets.resolve(null), 7);
            l.save(tmp, gc.get("base_model_name_or_path").asText());
        }
        JsonNode written = JSON.readTree(tmp.resolve(LoraAdapters.CONFIG).toFile());
        // every field we write is PEFT's, with PEFT's value (a newer PEFT may write more fields)
        written.fields().forEachRemaining(e -> {
            assertTrue(gc.has(e.getKey()), e.getKey() + " is not a PEFT field");
            if (e.getKey().equals("target_modules")) { // PEFT stores a set: order is not defined
                assertEquals(sorted(gc.get("target_modules")), sorted(e.getValue()));
            } else {
                assertEquals(gc.get(e.getKey()), e.getValue(), e.getKey());
            }
        });
        for (String f : List.of("r", "lora_alpha", "lora_dropout", "target_modules", "peft_type", "task_type", "bias",
                "base_model_name_or_path", "fan_in_fan_out", "use_dora", "use_rslora")) {
            assertTrue(written.has(f), f + " written");
        }
        Map<String, Shape> shapes = new java.util.TreeMap<>();
        try (NDManager m = NDManager.newBaseManager()) {
            SafeTensors.read(tmp.resolve(LoraAdapters.WEIGHTS), m).forEach((k, v) -> shapes.put(k, v.getShape()));
        }
        Map<String, Shape> want = new java.util.TreeMap<>();
        golden.get("tensors").fields().forEachRemaining(e -> {
            long[] dims = new long[e.getValue().size()];
            for (int i = 0; i < dims.length; i++) {
                dims[i] = e.getValue().get(i).asLong();
            }
            want.put(e.getKey(), new Shape(dims));
        });
        assertEquals(want, shapes, "adapter_model.safetensors keys and shapes");
    }

    @Test
    void theViewWithoutAdaptersSharesTheBaseArraysAndComputesTheBase() {
        try (NDManager root = NDManager.newBaseManager(); Decoder d = Decoder.init(cfg(), root, 1)) {
            float[] base = logits(d);
            LoraAdapters l = LoraAdapters.attach(d, 4, 8, 0, LoraTargets.MODULES, 7);
            randomiseB(l, 3);
            Decoder ref = d.withoutAdapters();
            assertArrayEquals(base, logits(ref), "the reference is the base");
            assertNotEquals(0, maxDiff(base, logits(d)));
            // one copy of the base: the distinct arrays both models hold are the base's plus the adapters'
            Set<NDArray> held = Collections.newSetFromMap(new IdentityHashMap<>());
            long bytes = 0;
            for (Iterator<NDArray> it = concat(d.parameters().values(), l.parameters().values(),
                    ref.parameters().values()); it.hasNext(); ) {
                NDArray a = it.next();
                if (held.add(a)) {
                    bytes += a.size() * 4;
                }
            }
            long want = 0;
            for (NDArray a : d.parameters().values()) {
                want += a.size() * 4;
                assertSame(a, ref.parameters().get(a.getName()));
            }
            want += d.trainableCount() * 4;
            assertEquals(want, bytes);
            ref.close(); // a view releases nothing
            assertArrayEquals(base, logits(d.withoutAdapters()));
        }
    }

    private static List<String> sorted(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        Collections.sort(out);
        return out;
    }

    @SafeVarargs
    private static Iterator<NDArray> concat(java.util.Collection<NDArray>... cs) {
        List<NDArray> all = new ArrayList<>();
        for (java.util.Collection<NDArray> c : cs) {
            all.addAll(c);
        }
        return all.iterator();
    }
}
