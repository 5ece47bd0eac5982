package org.charlab.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import org.charlab.cli.Main;
import picocli.CommandLine;

/** Runs the charlab CLI in this JVM with captured output: what a test asserts on. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int rc = cl.execute(args);
        return new CliRun(rc, out.toString(), err.toString());
    }

    public List<String> errLines() {
        return err.lines().filter(l -> !l.isBlank()).toList();
    }
}
