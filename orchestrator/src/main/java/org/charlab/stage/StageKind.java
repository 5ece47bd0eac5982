package org.charlab.stage;

import java.util.List;
import java.util.Map;
import org.charlab.data.DataFile;

/**
 * A kind of stage as the experiment language knows it ({@code type: sft}). Implementations are
 * found with {@link java.util.ServiceLoader} (META-INF/services/org.charlab.stage.StageKind), so
 * test-only kinds live in src/test. Loading a kind must not load the engine: only
 * {@link #create()} may touch classes that import ai.djl.
 */
public interface StageKind<C extends Record> {

    /** The {@code type:} value in YAML. */
    String type();

    /** One line for {@code charlab list} and {@code explain}. */
    String summary();

    /** The record holding this kind's settings, each component annotated with {@code @Setting}. */
    Class<C> configType();

    /**
     * Part of every stage key. A change to the kind's org.charlab code changes its key by itself
     * (org.charlab.plan.CodeFingerprint); bump this only when the output changes for another
     * reason the fingerprint cannot see (a resource file, a library's behaviour).
     */
    int version();

    /**
     * Whether the stage picks up what an interrupted attempt left in its output directory (a
     * training checkpoint). For kinds that cannot, the executor empties the directory first.
     */
    default boolean resumable() {
        return false;
    }

    /**
     * The data files a stage with these settings will read, each with its format's reader, so that
     * {@code validate}, {@code plan} and {@code run} can read and validate every one before the first
     * stage starts (a bad line then costs nothing, not an upstream stage's training). A kind whose
     * settings name a data file declares it here; must not load the engine.
     */
    default List<DataFile> dataFiles(C config) {
        return List.of();
    }

    /**
     * The model this stage's output holds, from its settings and the planned models of its inputs by
     * role ("input", and a config field naming another stage, e.g. "reference"); null when it
     * produces none or the kind cannot tell. Must not load the engine.
     */
    default PlannedModel plannedModel(C config, Map<String, PlannedModel> inputs) {
        return null;
    }

    /**
     * The stage's estimated peak memory, from its settings and the planned models of its inputs (as
     * in {@link #plannedModel}); null when the kind cannot tell (an input's model is unknown). Must
     * not load the engine.
     */
    default MemoryEstimate memory(C config, Map<String, PlannedModel> inputs) {
        return null;
    }

    Stage<C> create();
}
