package org.charlab.train.stage;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** {@code type: sft}. Loading this class loads no engine class: only {@link #create()} does. */
public final class SftKind implements StageKind<SftConfig> {

    @Override
    public String type() {
        return "sft";
    }

    @Override
    public String summary() {
        return "Supervised fine-tuning on character data, optionally with an inoculation prompt";
    }

    @Override
    public Class<SftConfig> configType() {
        return SftConfig.class;
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
    public Stage<SftConfig> create() {
        return new SftStage();
    }
}
