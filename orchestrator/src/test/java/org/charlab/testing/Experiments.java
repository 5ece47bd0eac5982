package org.charlab.testing;

import java.nio.file.Path;

/** Test experiment files under src/test/resources/experiments. */
public final class Experiments {

    /** 2 arms x 3 seeds over a base stage that fixes its seed (shared by all six runs). */
    public static final Path TWO_ARMS = Path.of("src/test/resources/experiments/two-arms.yaml");

    private Experiments() {
    }
}
