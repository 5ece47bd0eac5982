package org.charlab.exec;

import org.charlab.stage.Progress;

import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;

/**
 * Progress on the console. On a terminal one line is redrawn in place with a bar; otherwise (CI,
 * a log file) plain timestamped lines, at most one per stage every quarter (2 s apart) or 15 seconds.
 */
public final class ConsoleProgress {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final PrintWriter out;
    private final boolean tty;
    private final int totalStages;
    private int finishedStages;

    public ConsoleProgress(PrintWriter out, boolean tty, int totalStages) {
        this.out = out;
        this.tty = tty;
        this.totalStages = totalStages;
    }

    public synchronized void line(String text) {
        if (tty) {
            out.print("\r\033[K");
        }
        out.println("[" + LocalTime.now().format(TIME) + "] " + text);
        out.flush();
    }

    public synchronized void stageEnded() {
        finishedStages++;
    }

    /** A Progress that renders one stage's reports under {@code label}. */
    public Progress forStage(String label) {
        return new Progress() {
            private long lastPct = -1;
            private Instant lastAt = Instant.EPOCH;

            @Override
            public void report(long done, long total, String note) {
                long pct = total <= 0 ? 0 : done * 100 / total;
                synchronized (ConsoleProgress.this) {
                    if (tty) {
                        int width = 24;
                        int filled = (int) (pct * width / 100);
                        out.print("\r\033[K[" + finishedStages + "/" + totalStages + " stages] " + label + " ["
                                + "#".repeat(filled) + "-".repeat(width - filled) + "] " + done + "/" + total + " " + note);
                        out.flush();
                        return;
                    }
                    Instant now = Instant.now();
                    if (pct / 25 != lastPct / 25 && Duration.between(lastAt, now).toSeconds() >= 2
                            || Duration.between(lastAt, now).toSeconds() >= 15 || done == total) {
                        lastPct = pct;
                        lastAt = now;
                        line(label + " " + done + "/" + total + (note.isEmpty() ? "" : " " + note));
                    }
                }
            }

            @Override
            public void log(String line) {
                ConsoleProgress.this.line(label + ": " + line);
            }
        };
    }
}
