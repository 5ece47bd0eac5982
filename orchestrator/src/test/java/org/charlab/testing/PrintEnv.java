package org.charlab.testing;

/** Test-only main: prints NAME=VALUE for each environment variable named in its arguments. */
public final class PrintEnv {

    private PrintEnv() {
    }

    public static void main(String[] args) {
        for (String name : args) {
            System.out.println(name + "=" + System.getenv(name));
        }
    }
}
