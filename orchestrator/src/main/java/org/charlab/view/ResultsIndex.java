package org.charlab.view;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.charlab.plan.Plan;
import org.charlab.results.SweepDir;

/**
 * The sweeps under a results root (&lt;root&gt;/&lt;experiment&gt;/&lt;sweep-id&gt;/plan.json), newest first within
 * an experiment. The directory scan is kept for {@link #TTL_MS} so that a page and its polls do not
 * rescan a large results directory; each plan.json is parsed once per modification time.
 */
final class ResultsIndex {

    static final long TTL_MS = 2000;

    /** One sweep: where it is (relative to the root) and its plan. */
    record Sweep(String experiment, String sweepId, String rel, SweepDir dir, Plan plan, FileTime modified) {
    }

    private record Parsed(FileTime modified, Plan plan) {
    }

    private final SafePaths paths;
    private final Map<Path, Parsed> plans = new ConcurrentHashMap<>();
    private List<Sweep> sweeps;
    private long scannedAt;

    ResultsIndex(SafePaths paths) {
        this.paths = paths;
    }

    synchronized List<Sweep> sweeps() {
        long now = System.currentTimeMillis();
        if (sweeps == null || now - scannedAt > TTL_MS) {
            sweeps = scan();
            scannedAt = now;
        }
        return sweeps;
    }

    /** The sweep at {@code rel} ("experiment/sweep-id"), or a 404. */
    Sweep sweep(String rel) {
        Path p = paths.resolve(rel);
        if (!Files.isRegularFile(p.resolve("plan.json")) || p.getParent() == null
                || !p.getParent().getParent().equals(paths.root())) {
            throw new SafePaths.Refused(404, "not a sweep: " + rel);
        }
        return load(p);
    }

    private List<Sweep> scan() {
        List<Sweep> out = new ArrayList<>();
        for (Path exp : children(paths.root())) {
            for (Path sw : children(exp)) {
                if (Files.isRegularFile(sw.resolve("plan.json")) && paths.inside(sw)) {
                    Sweep s = tryLoad(sw);
                    if (s != null) {
                        out.add(s);
                    }
                }
            }
        }
        out.sort(Comparator.comparing(Sweep::experiment).thenComparing(Sweep::modified, Comparator.reverseOrder()));
        return List.copyOf(out);
    }

    private Sweep tryLoad(Path sw) {
        try {
            return load(sw);
        } catch (RuntimeException e) {
            return null;   // an unreadable plan.json is left out of the list, not a broken page
        }
    }

    private Sweep load(Path sw) {
        Path planFile = sw.resolve("plan.json");
        FileTime t;
        try {
            t = Files.getLastModifiedTime(planFile);
        } catch (IOException e) {
            throw new SafePaths.Refused(404, "not found");
        }
        Parsed p = plans.get(planFile);
        if (p == null || !p.modified().equals(t)) {
            p = new Parsed(t, Plan.read(planFile));
            plans.put(planFile, p);
        }
        SweepDir dir = SweepDir.open(sw);
        return new Sweep(sw.getParent().getFileName().toString(), sw.getFileName().toString(), paths.rel(sw), dir,
                p.plan(), t);
    }

    private static List<Path> children(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir)) {
            for (Path p : ds) {
                if (!p.getFileName().toString().startsWith(".") && Files.isDirectory(p)) {
                    out.add(p);
                }
            }
        } catch (IOException e) {
            return out;
        }
        out.sort(Comparator.comparing(Path::toString));
        return out;
    }
}
