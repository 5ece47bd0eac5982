package org.charlab.stage;

/**
 * One step of a run's chain (pretrain, sft, dpo, opd, eval, ...). A stage reads its typed config
 * and the output directories of the stages it depends on, and writes everything it produces into
 * {@link StageContext#outputDir()}. It runs in its own JVM, so it may assume the engine is its own.
 *
 * <p>Conventions for output directories: a stage that produces a model writes an HF-style
 * checkpoint into {@code model/}; per-step training metrics go to {@code metrics.jsonl}; an
 * evaluation writes {@code samples.jsonl} and {@code metrics.json}. A stage that can resume keeps
 * its partial state inside the output directory: after an interruption it is called again with the
 * same directory and what it left there.
 */
public interface Stage<C extends Record> {

    /**
     * Optional facts a stage reports about its run (e.g. trainable_parameters): a flat JSON object
     * the runner moves into stage.json's "facts" and deletes, so the outputs themselves do not change.
     */
    String FACTS = "stage_facts.json";

    void run(StageContext<C> context) throws Exception;
}
