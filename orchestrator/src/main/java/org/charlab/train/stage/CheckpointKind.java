package org.charlab.train.stage;

import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: checkpoint}. Loading this class loads no engine class: only {@link #create()} does. */
public final class CheckpointKind extends AbstractStageKind<CheckpointConfig> {

    public CheckpointKind() {
        super("checkpoint",
                "Starts a chain from a user-supplied Hugging Face model directory",
                CheckpointConfig.class, 1, false);
    }

    @Override
    public Stage<CheckpointConfig> create() {
        return new CheckpointStage();
    }
}
