package org.charlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.SplittableRandom;
import org.charlab.model.Decoder;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.train.AdamW;
import org.charlab.train.TokenLoss;

/**
 * Peak RSS of a few DPO-shaped full fine-tuning steps with a frozen reference copy stored in fp32 or
 * fp16 ({@link Decoder#frozenCopy}): per step the reference's forward pass and the policy's forward
 * and backward on the same rows, in one step manager inside a GradientCollector, as DpoObjective
 * does. {@code fp16-kept} keeps every upcast fp32 matrix in the step's manager until the step
 * closes (what linear would cost without closing them per op). Run alone, one at a time:
 * <pre>
 * cd orchestrator && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * nice java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/cp.txt) \
 *     org.charlab.bench.ReferenceMemoryProbe fp32|fp16|fp16-kept ROWS LENGTH STEPS
 * </pre>
 */
public final class ReferenceMemoryProbe {

    public static void main(String[] args) throws Exception {
        ModelConfig c = ModelConfig.small25m();
        String mode = args[0];
        int b = Integer.parseInt(args[1]);
        int t = Integer.parseInt(args[2]);
        int steps = Integer.parseInt(args[3]);
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        long base = MemoryProbe.hwm();
        try (NDManager m = NDManager.newBaseManager()) {
            Decoder d = Decoder.init(c, m, 1);
            Decoder ref = d.frozenCopy(m, mode.equals("fp32") ? DataType.FLOAT32 : DataType.FLOAT16);
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
                    NDArray refLoss = TokenLoss.maskedNll(ref.logits(in), tg, mask);
                    if (mode.equals("fp16-kept")) {
                        for (NDArray w : ref.parameters().values()) {
                            if (w.getDataType() == DataType.FLOAT16) {
                                w.toType(DataType.FLOAT32, true).attach(sm);
                            }
                        }
                    }
                    gc.backward(TokenLoss.maskedNll(d.logits(in), tg, mask).add(refLoss));
                }
                opt.step();
                opt.zeroGrad();
            }
            long refBytes = ref.parameters().values().stream().mapToLong(a -> a.size()
                    * a.getDataType().getNumOfBytes()).sum();
            System.out.printf("reference %s: %d MiB (frozenBytes %d MiB)%n", mode, refBytes >> 20,
                    MemoryArithmetic.frozenBytes(c, !mode.equals("fp32")) >> 20);
        }
        long peak = MemoryProbe.hwm();
        System.out.printf("rows %d length %d steps %d: VmHWM after engine start %d MiB; after steps %d MiB%n", b, t,
                steps, base >> 20, peak >> 20);
    }
}
