package org.charlab.config;

import java.util.Map;

/** The root of an experiment file, after {@code extends:} and overrides are merged in. */
@Doc("A character-training study: the stage chain every run goes through, and the sweep that turns "
        + "it into runs (arms x grid x seeds).")
public record ExperimentSpec(
        @Setting(doc = "Name of the experiment: results go to <results>/<name>/<sweep-id>/. Letters, digits, "
                + "'_', '-', '.'.")
        String name,
        @Setting(doc = "One line shown by `charlab list`.", def = "''")
        String description,
        @Setting(doc = "The question the experiment answers, printed at the top of its report.", def = "''")
        String question,
        @Setting(doc = "Where stages compute (device, threads).", def = "{}")
        RuntimeConfig runtime,
        @Setting(doc = "The stage chain of every run, in order: name -> stage. Each stage continues from "
                + "the one before it unless its `input` says otherwise.")
        Map<String, StageSpec> stages,
        @Setting(doc = "How runs are made from the stages: seeds, named arms, grid and zip axes.", def = "{}")
        SweepSpec sweep,
        @Setting(doc = "Where the stages run: this machine or a Slurm cluster. Does not change stage keys or "
                + "the sweep id; `charlab run --executor ...` and its Slurm options override it.", def = "{}")
        ExecutorConfig executor,
        @Setting(doc = "Findings from the literature this experiment reproduces; `charlab report` marks each "
                + "reproduced, not reproduced or inconclusive from the intervals.", def = "[]")
        java.util.List<Expectation> expectations,
        @Setting(doc = "What `charlab run` prints and writes at the end, and the defaults of `charlab report`.", def = "{}")
        ReportConfig report) {

    public ExperimentSpec {
        if (!Names.isSafeSegment(name)) {
            throw new IllegalArgumentException("name '" + name + "' must be letters, digits, '_', '-', '.' "
                    + "(it becomes a directory name)");
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("stages: at least one stage is needed");
        }
        for (String s : stages.keySet()) {
            if (!Names.isSafeSegment(s) || s.contains(".")) {
                throw new IllegalArgumentException("stage name '" + s + "' must be letters, digits, '_', '-' "
                        + "(it becomes a directory name and a dotted-path segment)");
            }
        }
    }
}
