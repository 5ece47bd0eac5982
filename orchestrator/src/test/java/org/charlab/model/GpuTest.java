package org.charlab.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.charlab.config.RuntimeConfig;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * GPU path (tagged "gpu"): same logits on cuda:0 as on cpu. Skipped (assumption) without a GPU, under CI
 * too (CI has no GPU), so not through testing.Prerequisite; see docs/gpu.md.
 */
class GpuTest {

    @Test
    @Tag("gpu")
    void gpuLogitsMatchCpu() {
        assumeTrue(Engine.getEngine("PyTorch").getGpuCount() > 0, "no GPU visible to the PyTorch engine");
        Device gpu = Engines.configure(new RuntimeConfig("cuda:0", 0, 1), 1, 1);
        ModelConfig cfg = TestModels.micro("qwen3", false);
        long[] ids = DecoderTest.randomIds(2 * 9, cfg.vocabSize(), 4);
        float[] cpu;
        try (NDManager m = NDManager.newBaseManager(Device.cpu()); Decoder d = Decoder.init(cfg, m, 2)) {
            cpu = d.logits(m.create(ids, new Shape(2, 9))).toFloatArray();
        }
        try (NDManager m = NDManager.newBaseManager(gpu); Decoder d = Decoder.init(cfg, m, 2)) {
            float[] g = d.logits(m.create(ids, new Shape(2, 9))).toFloatArray();
            for (int i = 0; i < cpu.length; i++) {
                assertEquals(cpu[i], g[i], 1e-4f);
            }
        }
    }

    @Test
    void deviceSpecsParse() {
        assertEquals(Device.cpu(), Engines.parseDevice("cpu"));
        assertEquals(Device.gpu(1), Engines.parseDevice("cuda:1"));
        assertEquals(Device.gpu(0), Engines.parseDevice("cuda"));
        org.junit.jupiter.api.Assertions.assertThrows(org.charlab.BadInput.class,
                () -> Engines.parseDevice("tpu"));
    }
}
