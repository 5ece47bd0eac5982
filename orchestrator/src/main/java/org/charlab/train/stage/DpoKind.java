package org.charlab.train.stage;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** {@code type: dpo}. Loading this class loads no engine class: only {@link #create()} does. */
public final class DpoKind implements StageKind<DpoConfig> {

    @Override
    public String type() {
        return "dpo";
    }

    @Override
    public String summary() {
        return "DPO against a frozen reference (pairs from a file, charworld, or generated OCT-style), optionally inoculated";
    }

    @Override
    public Class<DpoConfig> configType() {
        return DpoConfig.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean resumable() {
        return true;
    }

    @Override
    public Stage<DpoConfig> create() {
        return new DpoStage();
    }
}
