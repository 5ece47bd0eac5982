package org.charlab.eval;

import org.charlab.exec.AbstractStageKind;
import org.charlab.exec.Stage;

/** The {@code eval} stage type. Loading it never loads the engine; only {@link #create()} does. */
public final class EvalStageKind extends AbstractStageKind<EvalConfig> {

    public EvalStageKind() {
        super("eval",
                "generate CoT + output under named conditions from the input checkpoint; score traits (CoT vs "
                        + "output), accuracy, legibility; write samples.jsonl and metrics.json with intervals",
                EvalConfig.class, 1, false);
    }

    @Override
    public Stage<EvalConfig> create() {
        return new EvalStage();
    }
}
