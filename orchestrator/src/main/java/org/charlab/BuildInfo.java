package org.charlab;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Versions fixed at build time (charlab, DJL, PyTorch), read without loading the engine. */
public final class BuildInfo {

    private static final Properties PROPS = load();

    private BuildInfo() {
    }

    public static String version() {
        return PROPS.getProperty("version", "dev");
    }

    public static String djlVersion() {
        return PROPS.getProperty("djl", "unknown");
    }

    public static String pytorchVersion() {
        return PROPS.getProperty("pytorch", "unknown");
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/charlab-build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // versions stay "unknown"; provenance says so
        }
        return p;
    }
}
