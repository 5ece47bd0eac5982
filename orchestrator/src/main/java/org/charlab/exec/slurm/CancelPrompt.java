package org.charlab.exec.slurm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;

/**
 * Ctrl-C while following a Slurm sweep: asks whether to cancel the submitted jobs, default no
 * (they are the expensive part, and they run on without this process).
 */
public final class CancelPrompt {

    private CancelPrompt() {
    }

    /**
     * Asks on {@code out} and reads one line from {@code in}; no terminal (null), end of input or
     * anything but y/yes means keep the jobs.
     */
    public static boolean ask(BufferedReader in, PrintWriter out, int jobs) {
        if (in == null || jobs == 0) {
            return false;
        }
        out.print(System.lineSeparator() + "Cancel " + jobs + " submitted Slurm job" + (jobs == 1 ? "" : "s")
                + " (scancel)? [y/N] ");
        out.flush();
        try {
            return yes(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }

    /** The decision for one typed answer: only y or yes (any case) cancels. */
    public static boolean yes(String answer) {
        if (answer == null) {
            return false;
        }
        String a = answer.strip().toLowerCase(java.util.Locale.ROOT);
        return a.equals("y") || a.equals("yes");
    }
}
