package org.charlab.config;

import java.nio.file.Path;

/**
 * A file or directory a stage reads (a JSONL dataset, an HF checkpoint). Written in YAML as a path
 * relative to the file that names it; stored absolute. Its content fingerprint, not its path, goes
 * into stage keys, so moving a dataset does not invalidate the cache and editing it does.
 */
public record FileRef(Path path) {

    @Override
    public String toString() {
        return path.toString();
    }
}
