package org.charlab.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which half-precision storage DJL 0.36 / PyTorch 2.7.1 supports on CPU for frozen weights. Each probe
 * runs in its own child JVM (a native abort kills only the child); the parent prints exit codes and
 * the children's lines. Findings: docs/precision.md. Run:
 * <pre>
 * cd orchestrator && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * nice java -Dai.djl.offline=true -cp target/test-classes:target/classes:$(cat target/cp.txt) org.charlab.bench.PrecisionProbe
 * </pre>
 */
public final class PrecisionProbe {

    static final List<String> PROBES = List.of("f16:cast", "f16:linear-upcast", "f16:embedding-upcast", "f16:matmul-upcast",
            "f16:linear-native", "f16:matmul-native", "bf16:cast", "bf16:linear-upcast", "bf16:embedding-upcast",
            "bf16:linear-native");

    public static void main(String[] args) throws Exception {
        if (args.length == 1) {
            probe(args[0]);
            return;
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (String p : PROBES) {
            List<String> cmd = new ArrayList<>(List.of(java, "-Dai.djl.offline=true", "-cp",
                    System.getProperty("java.class.path"), PrecisionProbe.class.getName(), p));
            Process pr = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes());
            int rc = pr.waitFor();
            String lines = out.lines().filter(l -> l.startsWith("RESULT") || l.contains("Exception") || l.contains("#"))
                    .limit(3).reduce("", (a, b) -> a + " | " + b);
            System.out.println(p + ": exit " + rc + lines);
        }
    }

    private static final class Path {
        static java.nio.file.Path of(String first, String... more) {
            return java.nio.file.Path.of(first, more);
        }
    }

    static void probe(String name) {
        Engine.getEngine("PyTorch");
        JniUtils.setNumThreads(1);
        DataType half = name.startsWith("bf16") ? DataType.BFLOAT16 : DataType.FLOAT16;
        String op = name.substring(name.indexOf(':') + 1);
        SplittableRandom rng = new SplittableRandom(1);
        float[] w = new float[256 * 128];
        float[] x = new float[4 * 16 * 128];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (rng.nextGaussian() * 0.02);
        }
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rng.nextGaussian();
        }
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w32 = m.create(w, new Shape(256, 128));
            NDArray x32 = m.create(x, new Shape(4, 16, 128));
            NDArray wh = w32.toType(half, true);
            NDArray ref;
            NDArray got;
            switch (op) {
                case "cast" -> {
                    ref = w32;
                    got = wh.toType(DataType.FLOAT32, true);
                }
                case "linear-upcast" -> {
                    ref = JniUtils.linear((PtNDArray) x32, (PtNDArray) w32, null);
                    got = JniUtils.linear((PtNDArray) x32, (PtNDArray) wh.toType(DataType.FLOAT32, true), null);
                }
                case "matmul-upcast" -> {
                    ref = x32.matMul(w32.transpose());
                    got = x32.matMul(wh.toType(DataType.FLOAT32, true).transpose());
                }
                case "embedding-upcast" -> {
                    NDArray ids = m.create(new long[] {0, 5, 255, 17}, new Shape(1, 4));
                    ref = JniUtils.embedding((PtNDArray) ids, (PtNDArray) w32, false);
                    got = JniUtils.embedding((PtNDArray) ids, (PtNDArray) wh.toType(DataType.FLOAT32, true), false);
                }
                case "linear-native" -> {
                    ref = JniUtils.linear((PtNDArray) x32, (PtNDArray) w32, null);
                    got = JniUtils.linear((PtNDArray) x32.toType(half, true), (PtNDArray) wh, null)
                            .toType(DataType.FLOAT32, true);
                }
                case "matmul-native" -> {
                    ref = x32.matMul(w32.transpose());
                    got = x32.toType(half, true).matMul(wh.transpose()).toType(DataType.FLOAT32, true);
                }
                default -> throw new IllegalArgumentException(op);
            }
            float maxErr = got.sub(ref).abs().max().getFloat();
            float scale = ref.abs().max().getFloat();
            System.out.println("RESULT " + name + " dtype " + wh.getDataType() + " max abs err " + maxErr
                    + " (relative to max |ref| " + (maxErr / scale) + ")");
        }
    }
}
