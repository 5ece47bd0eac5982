package org.charlab.train.stage;

import java.util.List;
import org.charlab.data.DataFile;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** {@code type: dpo}. Loading this class loads no engine class: only {@link #create()} does. */
public final class DpoKind extends AbstractStageKind<DpoConfig> {

    public DpoKind() {
        super("dpo",
                "DPO against a frozen reference (pairs from a file, charworld, or generated OCT-style), "
                        + "optionally inoculated",
                DpoConfig.class, 1, true);
    }

    /** The preference-pair file, when set (it overrides pairs). */
    @Override
    public List<DataFile> dataFiles(DpoConfig c) {
        return c.data() == null ? List.of() : List.of(DataFile.preferencePairs(c.data()));
    }

    @Override
    public Stage<DpoConfig> create() {
        return new DpoStage();
    }
}
