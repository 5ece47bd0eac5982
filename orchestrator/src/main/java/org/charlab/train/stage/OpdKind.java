package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: opd}. Loading this class loads no engine class: only {@link #create()} does. */
public final class OpdKind extends AbstractStageKind<OpdConfig> {

    public OpdKind() {
        // not resumable: who samples and the sampling seeds follow a micro-batch counter: a rerun starts over
        super("opd",
                "On-policy distillation from a teacher stage or the privileged-context self (GKD, reverse KL), "
                        + "optionally inoculated",
                OpdConfig.class, 1, false);
    }

    /** The prompt file, when the prompts are not charworld's. */
    @Override
    public List<DataFile> dataFiles(OpdConfig c) {
        return c.prompts() == null ? List.of() : List.of(DataFile.prompts(c.prompts()));
    }

    @Override
    public Stage<OpdConfig> create() {
        return new OpdStage();
    }
}
