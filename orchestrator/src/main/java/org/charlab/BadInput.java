package org.charlab;

/**
 * Input the user must fix: a config, a data file, a command-line value. The message is one line
 * that names the file, line and field and says what is allowed; the CLI prints it without a
 * stack trace and exits with code 2.
 */
public final class BadInput extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public BadInput(String message) {
        super(message, null, false, false);
    }

    /** "FILE:LINE: message", the form used for line-oriented data files. */
    public static BadInput at(java.nio.file.Path file, long line, String message) {
        return new BadInput(file + ":" + line + ": " + message);
    }
}
