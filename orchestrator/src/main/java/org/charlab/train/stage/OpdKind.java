package org.charlab.train.stage;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** {@code type: opd}. Loading this class loads no engine class: only {@link #create()} does. */
public final class OpdKind implements StageKind<OpdConfig> {

    @Override
    public String type() {
        return "opd";
    }

    @Override
    public String summary() {
        return "On-policy distillation from a teacher stage or the privileged-context self (GKD, reverse KL), optionally inoculated";
    }

    @Override
    public Class<OpdConfig> configType() {
        return OpdConfig.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean resumable() {
        return false; // who samples and the sampling seeds follow a micro-batch counter: a rerun starts over
    }

    @Override
    public Stage<OpdConfig> create() {
        return new OpdStage();
    }
}
