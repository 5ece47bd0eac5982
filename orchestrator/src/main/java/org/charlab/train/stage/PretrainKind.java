package org.charlab.train.stage;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** {@code type: pretrain}. Loading this class loads no engine class: only {@link #create()} does. */
public final class PretrainKind implements StageKind<PretrainConfig> {

    @Override
    public String type() {
        return "pretrain";
    }

    @Override
    public String summary() {
        return "Pretrains a base model from scratch on a charworld corpus and measures it";
    }

    @Override
    public Class<PretrainConfig> configType() {
        return PretrainConfig.class;
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
    public Stage<PretrainConfig> create() {
        return new PretrainStage();
    }
}
