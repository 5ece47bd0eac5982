package org.charlab.eval;

import org.charlab.exec.Stage;
import org.charlab.exec.StageKind;

/** The {@code eval} stage type. Loading it never loads the engine; only {@link #create()} does. */
public final class EvalStageKind implements StageKind<EvalConfig> {

    @Override
    public String type() {
        return "eval";
    }

    @Override
    public String summary() {
        return "generate CoT + output under named conditions from the input checkpoint; score traits (CoT vs "
                + "output), accuracy, legibility; write samples.jsonl and metrics.json with intervals";
    }

    @Override
    public Class<EvalConfig> configType() {
        return EvalConfig.class;
    }

    @Override
    public int version() {
        return 1;
    }

    @Override
    public Stage<EvalConfig> create() {
        return new EvalStage();
    }
}
