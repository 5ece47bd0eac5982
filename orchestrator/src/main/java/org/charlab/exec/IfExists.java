package org.charlab.exec;

import org.charlab.config.Doc;

/** What `charlab run` does when the sweep directory already exists (tinker-cookbook's lesson). */
public enum IfExists {
    @Doc("Continue: finished stages are reused, unfinished and failed ones run again.")
    RESUME,
    @Doc("Do nothing and exit 0.")
    SKIP,
    @Doc("Stop with exit code 2.")
    FAIL,
    @Doc("Delete this sweep's records (and its earlier --recompute nonces) and start it again; finished stages in "
            + "the shared cache are still reused, since their keys hold their code and inputs: add --recompute to "
            + "compute some again.")
    OVERWRITE
}
