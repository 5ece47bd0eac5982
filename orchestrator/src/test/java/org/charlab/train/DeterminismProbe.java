package org.charlab.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.charlab.config.RuntimeConfig;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.Engines;

/**
 * Child-JVM entry point of {@link DeterminismTest}: seeds everything, trains 30 steps, samples,
 * and prints the loss bits, a hash of every parameter's bits and the sampled tokens.
 */
public final class DeterminismProbe {

    public static void main(String[] args) {
        long seed = Long.parseLong(args[0]);
        Engines.configure(new RuntimeConfig("cpu", 1, 1), 1, seed);
        StringBuilder out = new StringBuilder();
        try (NDManager m = NDManager.newBaseManager(); Decoder d = Decoder.init(TrainTest.small(), m, seed);
                AdamW opt = new AdamW(d, AdamW.Options.defaults(3e-3))) {
            TokenBatch b = TrainTest.corpusBatch();
            for (int i = 0; i < 30; i++) {
                out.append(Double.doubleToLongBits(LmStep.step(d, opt, b, 3e-3, 1.0).loss())).append(',');
            }
            long h = 17;
            for (NDArray p : d.parameters().values()) {
                for (float f : p.toFloatArray()) {
                    h = h * 31 + Float.floatToIntBits(f);
                }
            }
            out.append("\nparams ").append(h);
            d.setTrainable(false);
            List<Sample> s = new Generator(d, TrainTest.CHAT).generate(List.of(TrainTest.CORPUS.get(0).prompt()),
                    ChatFormat.Prefill.none(), SamplingParams.sampled(1.0, 0.9, 30, seed));
            out.append("\ntokens ").append(java.util.Arrays.toString(s.get(0).tokens()));
        }
        System.out.println("RESULT-BEGIN\n" + out + "\nRESULT-END");
    }
}
