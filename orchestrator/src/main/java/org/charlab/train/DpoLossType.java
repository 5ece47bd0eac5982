package org.charlab.train;

import org.charlab.config.Doc;
import org.charlab.config.Labeled;

/** Which preference loss {@link DpoLoss} computes (TRL DPOConfig.loss_type spellings). */
public enum DpoLossType implements Labeled {
    @Doc("-log sigmoid(beta h), label smoothing eps mixes in -log sigmoid(-beta h): Rafailov et al. 2023 eq. 7 / cDPO.")
    SIGMOID,
    @Doc("(h - 1/(2 beta))^2: Azar et al. 2023 eq. 17 (IPO).")
    IPO,
    @Doc("max(0, 1 - beta h): SLiC-HF (Zhao et al. 2023).")
    HINGE;

    @Override
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
