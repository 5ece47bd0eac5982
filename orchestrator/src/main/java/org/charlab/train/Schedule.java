package org.charlab.train;

/**
 * The learning rate at each optimizer step: linear warmup to the peak, then constant, linear or
 * cosine decay to 0 at step {@code total} (transformers' get_*_schedule_with_warmup, except that
 * warmup step s uses (s+1)/warmup so the first step is not wasted at rate 0).
 */
public record Schedule(LrScheduler type, double peak, int warmup, int total) {

    /** The schedule {@code cfg} asks for over {@code total} steps. */
    public static Schedule of(TrainConfig cfg, double peak, int total) {
        int warm = cfg.warmupSteps() > 0 ? cfg.warmupSteps() : (int) Math.ceil(cfg.warmupRatio() * total);
        return new Schedule(cfg.lrSchedulerType(), peak, Math.min(warm, total), total);
    }

    /** Rate for 0-based optimizer step {@code step}. */
    public double lr(int step) {
        if (step < warmup) {
            return peak * (step + 1) / warmup;
        }
        double progress = (double) (step - warmup) / Math.max(1, total - warmup); // in [0, 1)
        return switch (type) {
            case CONSTANT -> peak;
            case LINEAR -> peak * Math.max(0.0, 1.0 - progress);
            case COSINE -> peak * 0.5 * (1.0 + Math.cos(Math.PI * progress));
        };
    }
}
