package org.charlab.eval;

import java.util.List;
import org.charlab.data.DataFile;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.Stage;

/** The {@code eval} stage type. Loading it never loads the engine; only {@link #create()} does. */
public final class EvalStageKind extends AbstractStageKind<EvalConfig> {

    public EvalStageKind() {
        super("eval",
                "generate CoT + output under named conditions from the input checkpoint; score traits (CoT vs "
                        + "output), accuracy, legibility; write samples.jsonl and metrics.json with intervals",
                EvalConfig.class, 1, false);
    }

    /** The prompt file, when the prompts are not charworld's test sets. */
    @Override
    public List<DataFile> dataFiles(EvalConfig c) {
        return c.prompts().file() == null ? List.of() : List.of(DataFile.prompts(c.prompts().file()));
    }

    @Override
    public Stage<EvalConfig> create() {
        return new EvalStage();
    }
}
