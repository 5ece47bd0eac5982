package org.charlab.config;

import java.nio.file.Path;

/** Where a config value came from: a file position, or a command-line override. */
public record Source(String origin, int line, int column) {

    public static Source file(Path file, int line, int column) {
        return new Source(file.toString(), line, column);
    }

    public static Source commandLine(String override) {
        return new Source("command line '" + override + "'", 0, 0);
    }

    public static Source builtIn(String what) {
        return new Source(what, 0, 0);
    }

    @Override
    public String toString() {
        return line > 0 ? origin + ":" + line + ":" + column : origin;
    }
}
