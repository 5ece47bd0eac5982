package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: sft}. Loading this class loads no engine class: only {@link #create()} does. */
public final class SftKind extends AbstractStageKind<SftConfig> {

    public SftKind() {
        super("sft",
                "Supervised fine-tuning on character data, optionally with an inoculation prompt",
                SftConfig.class, 1, true);
    }

    /** The conversations file, when the data is not charworld's. */
    @Override
    public List<DataFile> dataFiles(SftConfig c) {
        return c.data() == null ? List.of() : List.of(DataFile.conversations(c.data()));
    }

    @Override
    public Stage<SftConfig> create() {
        return new SftStage();
    }
}
