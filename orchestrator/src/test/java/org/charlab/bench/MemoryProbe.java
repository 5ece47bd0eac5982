package org.charlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.charlab.model.Decoder;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.train.AdamW;
import org.charlab.train.TokenLoss;

/**
 * Peak RSS of a few full fine-tuning steps vs MemoryArithmetic's estimate (weights, gradients,
 * AdamW, one step's activations, runtime). Run it alone, in a fresh JVM, one at a time:
 * <pre>
 * cd orchestrator && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * nice java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     org.charlab.bench.MemoryProbe tiny|25m BATCH LENGTH STEPS
 * </pre>
 * Prints VmHWM after engine start (the runtime's share) and after the steps, in MiB.
 */
public final class MemoryProbe {

    public static void main(String[] args) throws Exception {
        ModelConfig c = args[0].equals("25m") ? ModelConfig.small25m() : ModelConfig.tiny().withVocabSize(1024);
        int b = Integer.parseInt(args[1]);
        int t = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        long base = hwm();
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Decoder.init(c, m, 1);
            d.setTrainable(true);
            AdamW opt = new AdamW(d, AdamW.Options.defaults(1e-4));
            SplittableRandom rng = new SplittableRandom(2);
            for (int s = 0; s < steps; s++) {
                long[] ids = new long[b * (t + 1)];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = rng.nextInt(c.vocabSize());
                }
                try (NDManager sm = d.manager().newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    NDArray all = sm.create(ids, new Shape(b, t + 1));
                    NDArray in = all.get(":, 0:" + t);
                    NDArray tg = all.get(":, 1:");
                    NDArray mask = sm.ones(new Shape(b, t));
                    gc.backward(TokenLoss.maskedNll(d.logits(in), tg, mask));
                }
                opt.step();
                opt.zeroGrad();
            }
        }
        long peak = hwm();
        long p = MemoryArithmetic.parameters(c);
        long act = MemoryArithmetic.forwardFloats(c, b, t) + MemoryArithmetic.lossFloats(c, b, t)
                + MemoryArithmetic.backwardFloats(c, b, t);
        long model = 4 * (p * 4 + act);
        System.out.printf("model %s params %d batch %d length %d steps %d%n", args[0], p, b, t, steps);
        System.out.printf("VmHWM after engine start %d MiB; after steps %d MiB; growth %d MiB%n", base >> 20, peak >> 20,
                (peak - base) >> 20);
        System.out.printf("estimate without runtime %d MiB (weights+grads+adamw %d MiB, activations %d MiB); "
                + "with runtime %d MiB%n", model >> 20, (16 * p) >> 20, (4 * act) >> 20,
                (model + MemoryArithmetic.RUNTIME_BYTES) >> 20);
    }

    static long hwm() throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) {
                return Long.parseLong(l.replaceAll("\\D", "")) * 1024;
            }
        }
        return -1;
    }
}
