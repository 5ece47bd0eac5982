package org.charlab.train.stage;

import org.charlab.config.Doc;

/** Which weights opd's self-teacher (teacher: null) reads with. */
public enum TeacherWeights {
    @Doc("The student's starting weights, frozen (a second copy; under LoRA the base with the adapters off): a "
            + "fixed target, as in context distillation of a persona prompt (OCT).")
    START,
    @Doc("The policy's current weights, no copy (under LoRA the adapters stay on): the self-teacher moves with "
            + "the student, as in SDPO (Hubotter et al. 2026; charlab offers no EMA-of-the-weights teacher).")
    CURRENT
}
