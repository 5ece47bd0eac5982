package org.charlab.config;

/** Where and how stages compute. Not part of any stage key except {@code device}. */
@Doc("Compute placement: device and thread counts for the DJL/PyTorch engine.")
public record RuntimeConfig(
        @Setting(doc = "Device to train and generate on: cpu, cuda or cuda:N. GPUs compute in fp32 "
                + "(DJL has no AMP); results differ from cpu in the last bits.", def = "cpu")
        String device,
        @Setting(doc = "Intra-op threads per stage; 0 means the machine's cores divided by --jobs, so "
                + "jobs x threads never exceed the cores (a stage that starts alone may use every free core "
                + "for its lanes). Small models on CPU train and decode in lanes, cut by the machine's cores, "
                + "and give the same numbers whatever this is (on-policy training too); LoRA training and larger "
                + "models compute on the calling thread, where changing it changes the last bits of results.",
                def = "0", min = 0)
        int threads,
        @Setting(doc = "Inter-op threads per stage.", def = "1", min = 1)
        int interopThreads) {

    /**
     * System property through which the executor tells a stage JVM how many lane threads it may run
     * (org.charlab.model.Lanes#threads): every free core for a stage that starts alone.
     */
    public static final String LANE_THREADS_PROPERTY = "charlab.lane_threads";

    public static RuntimeConfig defaults() {
        return new RuntimeConfig("cpu", 0, 1);
    }
}
