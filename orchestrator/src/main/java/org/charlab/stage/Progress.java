package org.charlab.stage;

/** How a stage reports what it is doing. Thread-safe; cheap enough to call every step. */
public interface Progress {

    /** {@code done} of {@code total} units (steps, samples) finished; {@code note} e.g. "loss 2.31". */
    void report(long done, long total, String note);

    /** A line worth keeping in the sweep log. */
    void log(String line);

    Progress SILENT = new Progress() {
        @Override
        public void report(long done, long total, String note) {
        }

        @Override
        public void log(String line) {
        }
    };
}
