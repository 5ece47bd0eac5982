package org.charlab.train.stage;

import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: pretrain}. Loading this class loads no engine class: only {@link #create()} does. */
public final class PretrainKind extends AbstractStageKind<PretrainConfig> {

    public PretrainKind() {
        super("pretrain",
                "Pretrains a base model from scratch on a charworld corpus and measures it",
                PretrainConfig.class, 1, true);
    }

    @Override
    public Stage<PretrainConfig> create() {
        return new PretrainStage();
    }
}
