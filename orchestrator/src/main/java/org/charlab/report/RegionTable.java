package org.charlab.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The report's "Where each expectation holds" section for a sweep with a grid: a table of each
 * expectation's verdict at every grid point (cell = verdict, estimate [interval]), wide (a column
 * per point) up to {@value #WIDE} points, else long (a row per expectation and point), and one
 * summary line per expectation ({@link ExpectationRegion#summary()}). Expectations without a grid
 * are left out (their verdict is in the findings).
 *
 * @param table   the table, null when no expectation was judged per grid point
 * @param summary per expectation judged per grid point, "claim: holds at 1 of 4 points: ..."
 */
public record RegionTable(Table table, List<String> summary) {

    /** Most grid points shown as columns. */
    public static final int WIDE = 6;

    public static RegionTable of(List<ExpectationRegion> regions) {
        List<ExpectationRegion> grid = regions.stream().filter(ExpectationRegion::isGrid).toList();
        if (grid.isEmpty()) {
            return new RegionTable(null, List.of());
        }
        Set<String> points = new LinkedHashSet<>();
        grid.forEach(r -> r.checks().forEach(c -> points.add(c.point())));
        List<String> ordered = points.stream().sorted(ExpectationRegion.GRID_ORDER).toList();
        Table t;
        if (ordered.size() <= WIDE) {
            List<String> cols = new ArrayList<>(List.of("claim"));
            cols.addAll(ordered);
            t = new Table(cols);
            for (ExpectationRegion r : grid) {
                List<String> row = new ArrayList<>(List.of(claim(r)));
                for (String p : ordered) {
                    row.add(r.checks().stream().filter(c -> c.point().equals(p)).findFirst().map(RegionTable::cell)
                            .orElse(""));
                }
                t.add(row);
            }
        } else {
            t = new Table(List.of("claim", "grid point", "verdict, estimate [interval]"));
            for (ExpectationRegion r : grid) {
                for (ExpectationCheck c : r.checks()) {
                    t.add(List.of(claim(r), c.point(), cell(c)));
                }
            }
        }
        List<String> summary = grid.stream().map(r -> claim(r) + ": " + r.summary()).toList();
        return new RegionTable(t, summary);
    }

    /** "reproduced 0.310 [0.120, 0.500]", or the verdict and why there is no interval. */
    static String cell(ExpectationCheck c) {
        String label = c.label();
        if (c.interval() == null) {
            return c.note().isEmpty() || c.note().equals(label) ? label : label + " (" + c.note() + ")";
        }
        return label + " " + ComparisonTable.text(c.interval()) + (c.note().isEmpty() ? "" : "; " + c.note());
    }

    private static String claim(ExpectationRegion r) {
        return r.expectation().claim().isEmpty() ? r.expectation().metric() : r.expectation().claim();
    }

    /** The lead sentence above the table. */
    public static String lead() {
        return "Each expectation judged at every grid point on its own (the arm's runs at a point against the "
                + "baseline's runs at the same point; unfinished runs make only their point not measured). A verdict "
                + "pooled over grid points would judge a mixture of treatments no run received, so none is shown.";
    }
}
