package org.charlab.train.stage;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** {@code type: checkpoint}. Loading this class loads no engine class: only {@link #create()} does. */
public final class CheckpointKind implements StageKind<CheckpointConfig> {

    @Override
    public String type() {
        return "checkpoint";
    }

    @Override
    public String summary() {
        return "Starts a chain from a user-supplied Hugging Face model directory";
    }

    @Override
    public Class<CheckpointConfig> configType() {
        return CheckpointConfig.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public boolean resumable() {
        return false;
    }

    @Override
    public Stage<CheckpointConfig> create() {
        return new CheckpointStage();
    }
}
