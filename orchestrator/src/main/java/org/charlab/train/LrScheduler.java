package org.charlab.train;

import org.charlab.config.Doc;

/** How the learning rate moves after warmup (TRL / transformers {@code lr_scheduler_type}). */
public enum LrScheduler {
    @Doc("The base rate throughout (after warmup).")
    CONSTANT,
    @Doc("Linear decay from the base rate to 0 at the last step (the transformers default).")
    LINEAR,
    @Doc("Half-cosine decay from the base rate to 0 at the last step (Loshchilov & Hutter 2017).")
    COSINE
}
