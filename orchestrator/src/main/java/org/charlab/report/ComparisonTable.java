package org.charlab.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.charlab.stats.Interval;

/**
 * Turns comparison rows into a {@link Table}: one line per (metric, condition, family, group). Trait
 * metrics carry the group's unclosed-CoT share beside them ({@code unclosed}: a percentage in text
 * and markdown, {@code unclosed_share} in [0, 1] in csv and json; empty for other metrics), and
 * output-side trait metrics of a group whose well-formed rate is below the bound the flag "measured on
 * malformed output: well-formed 0.44" (column {@code malformed} in text and markdown, present when a row
 * is flagged; {@code well_formed}, the rate, and {@code malformed}, true or false, in csv and json).
 */
public final class ComparisonTable {

    private ComparisonTable() {
    }

    public static Table of(List<Comparison.Row> rows, boolean withBaseline, boolean numericColumns) {
        boolean flagged = rows.stream().anyMatch(r -> !r.malformed().isEmpty());
        List<String> cols = new ArrayList<>(List.of("metric", "condition", "family", "group", "seeds"));
        if (numericColumns) {
            cols.addAll(List.of("estimate", "low", "high", "method", "n", "unclosed_share", "well_formed", "malformed"));
            if (withBaseline) {
                cols.addAll(List.of("delta", "delta_low", "delta_high", "p", "note"));
            }
        } else {
            cols.addAll(List.of("estimate [interval]", "unclosed"));
            if (flagged) {
                cols.add("malformed");
            }
            if (withBaseline) {
                cols.addAll(List.of("vs baseline [interval]", "p"));
            }
        }
        Table t = new Table(cols);
        for (Comparison.Row r : rows) {
            List<String> cells = new ArrayList<>(List.of(r.metric(), r.condition(), r.family(), r.group(),
                    String.valueOf(r.seeds())));
            Interval v = r.value();
            if (numericColumns) {
                cells.addAll(List.of(num(v.estimate()), num(v.low()), num(v.high()), v.method().label(),
                        String.valueOf(v.n()), num(r.unclosed()), num(r.wellFormed()),
                        Double.isNaN(r.wellFormed()) ? "" : String.valueOf(!r.malformed().isEmpty())));
                if (withBaseline) {
                    Interval d = r.delta() == null ? null : r.delta().interval();
                    cells.addAll(List.of(d == null ? "" : num(d.estimate()), d == null ? "" : num(d.low()),
                            d == null ? "" : num(d.high()), r.delta() == null ? "" : num(r.delta().pValue()),
                            noteOf(r, v)));
                }
            } else {
                cells.add(text(v));
                cells.add(percent(r.unclosed()));
                if (flagged) {
                    cells.add(r.malformed());
                }
                if (withBaseline) {
                    cells.add(r.delta() == null ? (r.note().isEmpty() ? "baseline" : r.note()) : text(r.delta().interval()));
                    cells.add(r.delta() == null || Double.isNaN(r.delta().pValue()) ? "" : pValue(r.delta().pValue()));
                }
            }
            t.add(cells);
        }
        return t;
    }

    /**
     * The table plus column duplicates_dropped: per row, the runs of its group counted once ("a = b;
     * c = d"). What {@code compare --format csv|json} prints, and {@code charlab view}'s compare JSON.
     */
    public static Table withDuplicates(Table t, RunResults.Found found) {
        List<String> cols = new ArrayList<>(t.columns());
        int group = cols.indexOf("group");
        cols.add("duplicates_dropped");
        Table out = new Table(cols);
        for (List<String> row : t.rows()) {
            List<String> cells = new ArrayList<>(row);
            cells.add(found.duplicatesOf(row.get(group)));
            out.add(cells);
        }
        return out;
    }

    private static String noteOf(Comparison.Row r, Interval v) {
        return v.isDefined() ? r.note() : ("undefined: " + v.undefinedReason() + (r.note().isEmpty() ? "" : "; " + r.note()));
    }

    /** "0.512 [0.480, 0.543]", or "undefined (reason)". */
    public static String text(Interval v) {
        if (!v.isDefined()) {
            return "undefined (" + v.undefinedReason() + ")";
        }
        return num(v.estimate()) + " [" + num(v.low()) + ", " + num(v.high()) + "]";
    }

    static String num(double d) {
        if (Double.isNaN(d)) {
            return "";
        }
        double a = Math.abs(d);
        return a != 0 && (a < 0.001 || a >= 10000) ? String.format(Locale.ROOT, "%.3g", d)
                : a >= 100 ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.3f", d);
    }

    /** "12%"; "<1%" and ">99%" for shares that would round to 0% or 100%; "" for NaN. */
    static String percent(double share) {
        if (Double.isNaN(share)) {
            return "";
        }
        if (share > 0 && share < 0.005) {
            return "<1%";
        }
        return share < 1 && share > 0.995 ? ">99%" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    static String pValue(double p) {
        return p < 0.001 ? "<0.001" : String.format(Locale.ROOT, "%.3f", p);
    }
}
