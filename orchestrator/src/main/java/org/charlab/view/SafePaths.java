package org.charlab.view;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Turns a path taken from a request ("quickstart/s1/runs/arm-s0") into a file under the results
 * root, or refuses it: the viewer must never read outside RESULTS_DIR. Refused: empty or absolute
 * paths, "." and ".." segments (also once percent-decoded), backslashes, NUL, and anything whose
 * real path (symbolic links followed) is not under the root's real path. Links that stay inside the
 * root (a run's stages/&lt;name&gt; -> .cache/stages/&lt;key&gt;) are followed.
 */
final class SafePaths {

    /** A request path that names no readable file under the root: answered 400 or 404, never served. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message);
            this.status = status;
        }
    }

    private final Path root;
    private final Path realRoot;

    SafePaths(Path root) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.realRoot = this.root.toRealPath();
    }

    Path root() {
        return root;
    }

    /**
     * The existing file or directory {@code rel} names under the root (lexically under it, not its
     * real path, so callers see the layout they asked for); 400 for a malformed path, 404 when it does
     * not exist or leaves the root.
     */
    Path resolve(String rel) {
        if (rel == null || rel.isEmpty() || rel.indexOf('\0') >= 0 || rel.indexOf('\\') >= 0 || rel.startsWith("/")
                || rel.contains("%") || rel.matches("^[A-Za-z]:.*")) {
            throw new Refused(400, "bad path");
        }
        for (String seg : rel.split("/", -1)) {
            if (seg.isEmpty() || seg.equals(".") || seg.equals("..")) {
                throw new Refused(400, "bad path");
            }
        }
        Path p = root.resolve(rel).normalize();
        if (!p.startsWith(root) || !Files.exists(p)) {
            throw new Refused(404, "not found");
        }
        try {
            if (!p.toRealPath().startsWith(realRoot)) {
                throw new Refused(404, "not found");
            }
        } catch (IOException e) {
            throw new Refused(404, "not found");
        }
        return p;
    }

    /** Whether an existing path (already under the root lexically) stays under the root once links are followed. */
    boolean inside(Path p) {
        try {
            return p.toRealPath().startsWith(realRoot);
        } catch (IOException e) {
            return false;
        }
    }

    /** The path relative to the root, with forward slashes: how pages link to it. */
    String rel(Path p) {
        return root.relativize(p.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }
}
