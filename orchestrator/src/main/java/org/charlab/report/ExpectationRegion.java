package org.charlab.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.charlab.config.Expectation;

/**
 * Where an expectation holds. In a sweep with a grid (sweep.grid or zip axes) the runs of one arm
 * at different grid points are different treatments: pooling them would average, say, a learning
 * rate that reproduces a claim with one that does not and judge a mixture no one ran. So an
 * expectation about a bare arm name is judged at every grid point on its own: the arm's runs at
 * point P against the baseline's runs at the same P, with the unfinished runs of P alone deciding
 * whether P is measured. An expectation naming a group label ("arm lr=0.001"), or a sweep without
 * a grid, has one check, as before.
 *
 * @param checks one per grid point, in grid order (the single check, with an empty point, without a grid)
 */
public record ExpectationRegion(Expectation expectation, List<ExpectationCheck> checks) {

    public ExpectationRegion {
        checks = List.copyOf(checks);
    }

    /** Judges every expectation against the runs found in a sweep, point by point when it has a grid. */
    public static List<ExpectationRegion> judge(List<Expectation> expectations, RunResults.Found found,
            Comparison.Settings s) {
        return expectations.stream().map(e -> judge(e, found, s)).toList();
    }

    static ExpectationRegion judge(Expectation e, RunResults.Found found, Comparison.Settings s) {
        List<String> points = points(e, found);
        if (points.isEmpty()) {
            return new ExpectationRegion(e, List.of(ExpectationCheck.judge(e, found, s)));
        }
        List<ExpectationCheck> out = new ArrayList<>();
        for (String p : points) {
            out.add(ExpectationCheck.judge(e, at(found, p, e.baseline()), s).at(p));
        }
        return new ExpectationRegion(e, out);
    }

    /**
     * The grid points the expectation's arm was planned at (finished or not), in grid order; empty
     * when the sweep has no grid or the expectation names one group ("arm lr=0.001") itself.
     */
    static List<String> points(Expectation e, RunResults.Found found) {
        boolean namesGroup = found.runs().stream().anyMatch(r -> r.group().equals(e.arm()))
                || found.unfinished().stream().anyMatch(u -> u.group().equals(e.arm()));
        if (namesGroup) {
            return List.of();
        }
        Set<String> points = new LinkedHashSet<>();
        found.runs().stream().filter(r -> r.arm().equals(e.arm())).forEach(r -> points.add(r.point()));
        found.unfinished().stream().filter(u -> u.arm().equals(e.arm())).forEach(u -> points.add(u.point()));
        points.remove("");
        return points.stream().sorted(GRID_ORDER).toList();
    }

    /** The runs at grid point {@code p}, and those of group {@code keep} (a baseline named by its group label). */
    static RunResults.Found at(RunResults.Found f, String p, String keep) {
        return new RunResults.Found(
                f.runs().stream().filter(r -> r.point().equals(p) || r.group().equals(keep)).toList(), f.skipped(),
                f.duplicates().stream().filter(d -> d.dropped().point().equals(p) || d.dropped().group().equals(keep))
                        .toList(),
                f.unfinished().stream().filter(u -> u.point().equals(p) || u.group().equals(keep)).toList());
    }

    /** Whether the expectation was judged point by point. */
    public boolean isGrid() {
        return checks.size() > 1 || !checks.get(0).point().isEmpty();
    }

    /** The grid points where the expectation is reproduced. */
    public List<String> holdsAt() {
        return checks.stream().filter(c -> c.verdict() == Verdict.REPRODUCED).map(ExpectationCheck::point).toList();
    }

    /**
     * "holds at 1 of 4 points: lr=0.001 steps=200 (elsewhere: 2 not reproduced, 1 inconclusive)";
     * without a grid, the single verdict's label.
     */
    public String summary() {
        if (!isGrid()) {
            return checks.get(0).label();
        }
        List<String> holds = holdsAt();
        return "holds at " + holds.size() + " of " + checks.size() + " points" + (holds.isEmpty() ? "" : ": "
                + String.join(", ", holds)) + elsewhere();
    }

    /** " (elsewhere: 2 not reproduced, 1 not measured)", or empty when it holds everywhere. */
    private String elsewhere() {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Verdict v : List.of(Verdict.NOT_REPRODUCED, Verdict.INCONCLUSIVE, Verdict.NOT_MEASURED)) {
            long n = checks.stream().filter(c -> c.verdict() == v).count();
            if (n > 0) {
                counts.put(v.label(), (int) n);
            }
        }
        return counts.isEmpty() ? "" : " (" + (holdsAt().isEmpty() ? "" : "elsewhere: ") + counts.entrySet().stream()
                .map(x -> x.getValue() + " " + x.getKey()).collect(Collectors.joining(", ")) + ")";
    }

    /**
     * The line `run` and `report` print: the verdict and claim without a grid ({@link
     * ExpectationCheck#line()}), else "holds at 1 of 4 points: lr=0.001 (elsewhere: 3 not reproduced): claim".
     * Never a verdict pooled over grid points.
     */
    public String line() {
        if (!isGrid()) {
            return checks.get(0).line();
        }
        return summary() + ": " + (expectation.claim().isEmpty() ? expectation.metric() : expectation.claim());
    }

    /**
     * Grid points in grid order: axis by axis (points list their axes in the same order), numbers by
     * value, other values as text.
     */
    static final Comparator<String> GRID_ORDER = (a, b) -> {
        String[] x = a.split(" ");
        String[] y = b.split(" ");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = compareValue(x[i].substring(x[i].indexOf('=') + 1), y[i].substring(y[i].indexOf('=') + 1));
            if (c == 0) {
                c = x[i].compareTo(y[i]);
            }
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private static int compareValue(String a, String b) {
        try {
            return Double.compare(Double.parseDouble(a), Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return a.compareTo(b);
        }
    }
}
