package org.charlab.report;

import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.charlab.eval.MetricEntry;

/** Which metrics.json entries a table shows: name globs, conditions, and one family (accuracy keeps its own). */
public final class MetricFilter {

    private MetricFilter() {
    }

    public static Predicate<MetricEntry> of(List<String> globs, List<String> conditions, String family) {
        List<Pattern> patterns = globs.stream()
                .map(g -> Pattern.compile(Pattern.quote(g).replace("*", "\\E.*\\Q"))).toList();
        return e -> (patterns.isEmpty() || patterns.stream().anyMatch(p -> p.matcher(e.name()).matches()))
                && (conditions.isEmpty() || conditions.contains(e.condition()))
                && (e.family().equals(family) || e.name().startsWith("capability.accuracy."));
    }
}
