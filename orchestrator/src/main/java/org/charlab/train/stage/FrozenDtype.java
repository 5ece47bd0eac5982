package org.charlab.train.stage;

import org.charlab.config.Doc;

/**
 * How a frozen second model (dpo's reference, opd's teacher) stores its weight matrices; it always
 * computes in fp32 (docs/precision.md). Loading this enum loads no engine class.
 */
public enum FrozenDtype {
    @Doc("float32, as trained.")
    FP32,
    @Doc("float16 projections, embedding and lm_head (norms and biases float32), upcast per op: half their "
            + "memory, about 2e-4 relative error.")
    FP16,
    @Doc("refused: any bfloat16 array aborts the JVM on the CPU engine.")
    BF16;

    /** {@code d}, or an IllegalArgumentException for bf16 naming {@code field}; null (fp32) passes. */
    static FrozenDtype require(String field, FrozenDtype d) {
        if (d == BF16) {
            throw new IllegalArgumentException(field + ": bf16 is refused: any bfloat16 array aborts the JVM on the "
                    + "CPU engine (libtorch 2.7.1); use fp16 (docs/precision.md)");
        }
        return d;
    }

    /** True for half-precision storage; null means fp32. */
    static boolean half(FrozenDtype d) {
        return d == FP16;
    }
}
