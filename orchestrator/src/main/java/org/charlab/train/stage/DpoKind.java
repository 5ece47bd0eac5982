package org.charlab.train.stage;

import org.charlab.exec.AbstractStageKind;
import org.charlab.exec.Stage;

/** {@code type: dpo}. Loading this class loads no engine class: only {@link #create()} does. */
public final class DpoKind extends AbstractStageKind<DpoConfig> {

    public DpoKind() {
        super("dpo",
                "DPO against a frozen reference (pairs from a file, charworld, or generated OCT-style), "
                        + "optionally inoculated",
                DpoConfig.class, 1, true);
    }

    @Override
    public Stage<DpoConfig> create() {
        return new DpoStage();
    }
}
