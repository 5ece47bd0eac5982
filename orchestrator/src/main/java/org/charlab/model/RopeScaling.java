package org.charlab.model;

/**
 * How the rotary inverse frequencies are scaled, as transformers' {@code ROPE_INIT_FUNCTIONS}
 * ({@code src/transformers/modeling_rope_utils.py}) computes them for the types charlab implements:
 * <ul>
 *   <li>{@code default}: {@code f_i = theta^(-2i/head_dim)};
 *   <li>{@code linear} ({@code _compute_linear_scaling_rope_parameters}): {@code f_i / factor};
 *   <li>{@code llama3} ({@code _compute_llama3_parameters}, Llama 3.1): with wavelength
 *       {@code w_i = 2 pi / f_i}, {@code L = original_max_position_embeddings}: {@code f_i} where
 *       {@code w_i < L / high_freq_factor}, {@code f_i / factor} where {@code w_i > L / low_freq_factor},
 *       and in between {@code (1 - s) f_i / factor + s f_i} with
 *       {@code s = (L / w_i - low_freq_factor) / (high_freq_factor - low_freq_factor)}.
 * </ul>
 * Both scaled types have attention factor 1 (cos and sin are not rescaled).
 *
 * @param ropeType {@code default}, {@code linear} or {@code llama3}
 * @param factor the scaling factor (1 for default)
 * @param lowFreqFactor llama3 only (0 otherwise)
 * @param highFreqFactor llama3 only (0 otherwise)
 * @param originalMaxPositionEmbeddings llama3 only (0 otherwise)
 */
public record RopeScaling(String ropeType, double factor, double lowFreqFactor, double highFreqFactor,
        int originalMaxPositionEmbeddings) {

    public static final RopeScaling NONE = new RopeScaling("default", 1.0, 0, 0, 0);

    public static RopeScaling linear(double factor) {
        return new RopeScaling("linear", factor, 0, 0, 0);
    }

    public static RopeScaling llama3(double factor, double low, double high, int originalMaxPos) {
        return new RopeScaling("llama3", factor, low, high, originalMaxPos);
    }

    public boolean isDefault() {
        return "default".equals(ropeType);
    }

    /** The head_dim/2 inverse frequencies for base {@code theta}, in float32 like HF. */
    public float[] inverseFrequencies(double theta, int headDim) {
        int half = headDim / 2;
        float[] f = new float[half];
        for (int i = 0; i < half; i++) {
            // HF: 1.0 / (base ** (torch.arange(0, dim, 2).float() / dim)), all in float32
            float exponent = (float) (2 * i) / (float) headDim;
            f[i] = (float) (1.0 / (float) Math.pow(theta, exponent));
        }
        switch (ropeType) {
            case "default" -> { }
            case "linear" -> {
                for (int i = 0; i < half; i++) {
                    f[i] = (float) (f[i] / factor);
                }
            }
            case "llama3" -> {
                double lowWavelen = originalMaxPositionEmbeddings / lowFreqFactor;
                double highWavelen = originalMaxPositionEmbeddings / highFreqFactor;
                for (int i = 0; i < half; i++) {
                    double wavelen = 2 * Math.PI / f[i];
                    if (wavelen > lowWavelen) {
                        f[i] = (float) (f[i] / factor); // low frequencies: fully interpolated
                    } else if (wavelen >= highWavelen) {
                        // medium frequencies: smooth blend between scaled and unscaled
                        double s = (originalMaxPositionEmbeddings / wavelen - lowFreqFactor)
                                / (highFreqFactor - lowFreqFactor);
                        f[i] = (float) ((1 - s) * f[i] / factor + s * f[i]);
                    } // high frequencies: unchanged
                }
            }
            default -> throw new IllegalStateException("rope_type " + ropeType);
        }
        return f;
    }
}
