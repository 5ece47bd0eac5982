package org.charlab.eval;

import static org.charlab.eval.Metric.SampleValue.orNaN;

import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;
import org.charlab.eval.Metric.Scope;

/**
 * Every metric of metrics.json, in the order {@link MetricsCalculator} writes them (inspect_ai's
 * scorer, reducer and metric split: {@link Scorers} score samples, {@link Reducers} turn a column
 * of scores into an estimate with its interval, and each {@link Metric} here names one such
 * reduction). A new metric is one entry here (a per-sample mean also names its per-sample value,
 * which the report's re-estimation and pairing use: {@link Metric#perSampleOn});
 * docs/results-format.md's table of metric names is generated from this list
 * ({@link #markdownTable()}, checked by MetricsTableTest).
 */
public final class MetricRegistry {

    /** The metrics, in output order within each scope. */
    public static final List<Metric> METRICS = List.of(
            new Metric("<p>.output_rate", "share of samples whose output shows the trait (`*_present`)",
                    "rate (see below)", Scope.TRAIT, true, TraitMetrics::outputRate,
                    p -> score(p + ".output_present")),
            new Metric("<p>.cot_rate", "share of samples whose CoT shows it", "rate", Scope.TRAIT, false,
                    TraitMetrics::cotRate, p -> score(p + ".cot_present")),
            new Metric("<p>.gap", "output rate - CoT rate (same samples)",
                    "paired bootstrap over prompts (`paired-cluster`)", Scope.TRAIT, true, TraitMetrics::gap,
                    MetricRegistry::gapOf),
            new Metric("<p>.agreement", "share of samples where both or neither show it", "rate", Scope.TRAIT, true,
                    TraitMetrics::agreement, MetricRegistry::agreementOf),
            new Metric("<p>.pearson", "Pearson correlation of per-prompt mean CoT score and per-prompt mean output "
                    + "score (continuous scores, not the 0/1 presence)", "bootstrap of prompt pairs (`iid-pairs`)",
                    Scope.TRAIT, true, TraitMetrics::pearson),
            new Metric("<p>.spearman", "Spearman (rank) correlation of the same per-prompt means", "`iid-pairs`",
                    Scope.TRAIT, true, TraitMetrics::spearman),
            new Metric("<p>.cot_generalization_ratio", "CoT rate / output rate",
                    "paired bootstrap ratio (`paired-cluster-ratio`); **undefined when the output rate is 0**",
                    Scope.TRAIT, true, TraitMetrics::cotGeneralizationRatio),
            new Metric("<p>.output_rate_wellformed", "the output rate over the well-formed outputs only "
                    + "(`quality.well_formed` 1): the trait on answers, not on garble; absent without the "
                    + "well-formedness scorer", "rate", Scope.TRAIT, true, TraitMetrics::outputRateWellFormed,
                    p -> {
                        String present = p + ".output_present";
                        return x -> TraitMetrics.wellFormed(x) ? orNaN(x.score(present)) : Double.NaN;
                    }),
            new Metric("<p>.loglik", "teacher-forced mean log-probability per token of the prompt's reference output "
                    + "rendered in the trait, after its neutral reference CoT (eval `trait_likelihood`; "
                    + "`trait.neutral.loglik`: the neutral output)", "`cluster`", Scope.TRAIT, false,
                    (r, n, s) -> likelihood(r, n, s, s.prefix() + ".loglik"),
                    p -> score(p + ".loglik")),
            new Metric("<p>.loglik_vs_neutral", "per prompt, `<p>.loglik` - `trait.neutral.loglik`: the per-token "
                    + "log-likelihood ratio of the trait's rendering over the neutral one", "`cluster`", Scope.TRAIT,
                    false, (r, n, s) -> likelihood(r, n, s, s.prefix() + ".loglik_vs_neutral"),
                    p -> score(p + ".loglik_vs_neutral")),
            new Metric("quality.well_formed_rate", "share of samples whose output is well formed", "rate",
                    Scope.GROUP, false, (r, n, s) -> r.rateOf(n, s.condition(), s.group(), s.rows(),
                            Scorers.WELL_FORMED), p -> score(Scorers.WELL_FORMED)),
            new Metric("legibility.odd_words_per_1k", "1000 x (sum of odd words) / (sum of CoT tokens)",
                    "cluster bootstrap of the ratio of sums (`cluster-ratio`)", Scope.GROUP, false,
                    (r, n, s) -> legibility(s) ? r.ratioOfSums(n, s.condition(), s.group(), counted(s),
                            x -> x.score(Legibility.ODD_WORDS), SampleRow::cotTokens, 1000, "no CoT tokens") : null),
            new Metric("legibility.non_latin_share", "(sum of non-Latin letters) / (sum of letters)", "`cluster-ratio`",
                    Scope.GROUP, false,
                    (r, n, s) -> legibility(s) ? r.ratioOfSums(n, s.condition(), s.group(), counted(s),
                            x -> x.score(Legibility.NON_LATIN_LETTERS), x -> x.score(Legibility.LETTERS), 1,
                            "no letters in any CoT") : null),
            new Metric("legibility.filler_rate",
                    "1000 x (sum of fillers) / (sum of CoT tokens): per 1,000 CoT tokens", "`cluster-ratio`",
                    Scope.GROUP, false,
                    (r, n, s) -> legibility(s) ? r.ratioOfSums(n, s.condition(), s.group(), counted(s),
                            x -> x.score(Legibility.FILLERS), SampleRow::cotTokens, 1000, "no CoT tokens") : null),
            new Metric("legibility.repeated_ngram_rate", "(sum of repeated n-grams) / (sum of n-grams)",
                    "`cluster-ratio`", Scope.GROUP, false,
                    (r, n, s) -> legibility(s) ? r.ratioOfSums(n, s.condition(), s.group(), counted(s),
                            x -> x.score(Legibility.REPEATED_NGRAMS), x -> x.score(Legibility.NGRAMS), 1,
                            "no CoT is long enough for one n-gram") : null),
            new Metric("legibility.cot_tokens", "mean CoT tokens per sample",
                    "cluster bootstrap of the mean (`cluster`)", Scope.GROUP, false,
                    (r, n, s) -> legibility(s) ? r.mean(n, s.condition(), s.group(), s.rows(), SampleRow::cotTokens)
                            : null, p -> x -> x.cotTokens()),
            new Metric(OutputMetrics.UNCLOSED_SHARE, "share of samples whose CoT never closed (`think_closed` false), "
                    + "over every sample; present for every group whatever the scorers", "rate", Scope.GROUP, false,
                    (r, n, s) -> r.rate(n, s.condition(), s.group(), s.rows(), x -> x.hasOutput() ? 0.0 : 1.0),
                    p -> x -> x.hasOutput() ? 0.0 : 1.0),
            new Metric("capability.accuracy.<family>", "share of correct answers (prompts with an answer only); "
                    + "`family` = that family", "rate", Scope.FAMILY, false, MetricRegistry::accuracy,
                    p -> score(Scorers.ACCURACY)));

    private MetricRegistry() {
    }

    /** The metrics of one scope, in output order. */
    public static List<Metric> of(Scope scope) {
        return METRICS.stream().filter(m -> m.scope() == scope).toList();
    }

    /** The metric named {@code name} (the pattern, e.g. {@code <p>.output_rate}). */
    public static Metric named(String name) {
        return METRICS.stream().filter(m -> m.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no metric " + name));
    }

    /** A registered metric and the trait prefix an entry name fills in for {@code <p>} (else null). */
    public record Match(Metric metric, String prefix) {
    }

    /** Each metric's name as a pattern of entry names; group 1 is the trait prefix. */
    private static final List<Pattern> PATTERNS = METRICS.stream().map(m -> Pattern.compile(Pattern.quote(m.name())
            .replace("<p>", "\\E((?:trait|judge)\\..+)\\Q").replace("<family>", "\\E.+\\Q"))).toList();

    /** The metric an entry name of metrics.json ({@code trait.caps.output_rate}) is an instance of, or null. */
    public static Match match(String entryName) {
        for (int i = 0; i < METRICS.size(); i++) {
            Matcher m = PATTERNS.get(i).matcher(entryName);
            if (m.matches()) {
                return new Match(METRICS.get(i), m.groupCount() > 0 ? m.group(1) : null);
            }
        }
        return null;
    }

    /** The last name parts of the trait metrics that count only the samples with an output. */
    static Set<String> outputSideTraitSuffixes() {
        return METRICS.stream().filter(m -> m.scope() == Scope.TRAIT && m.overOutputs()).map(Metric::suffix)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The table of metric names in docs/results-format.md: name, definition, interval. */
    public static String markdownTable() {
        StringBuilder sb = new StringBuilder("| name | definition | interval |\n|---|---|---|\n");
        for (Metric m : METRICS) {
            sb.append("| `").append(m.name()).append("` | ").append(m.definition()).append(" | ")
                    .append(m.interval()).append(" |\n");
        }
        return sb.toString();
    }

    // ---- reductions that are not trait metrics ------------------------------------------------

    /** Whether the slice has legibility counts (all legibility metrics are left out otherwise). */
    private static boolean legibility(Metric.Slice s) {
        return !counted(s).isEmpty();
    }

    /** The samples with legibility counts. */
    private static List<SampleRow> counted(Metric.Slice s) {
        return Reducers.has(s.rows(), Legibility.ODD_WORDS);
    }

    /** A sample's score {@code name}, NaN when absent or not scored. */
    private static ToDoubleFunction<ScoredSample> score(String name) {
        return x -> orNaN(x.score(name));
    }

    /** Output presence minus CoT presence of trait {@code p}. */
    private static ToDoubleFunction<ScoredSample> gapOf(String p) {
        String output = p + ".output_present";
        String cot = p + ".cot_present";
        return x -> orNaN(x.score(output)) - orNaN(x.score(cot));
    }

    /** 1 when a sample's CoT and output agree on trait {@code p}, 0 when not, NaN when either is unscored. */
    private static ToDoubleFunction<ScoredSample> agreementOf(String p) {
        String output = p + ".output_present";
        String cot = p + ".cot_present";
        return x -> {
            double o = orNaN(x.score(output));
            double c = orNaN(x.score(cot));
            return Double.isNaN(o) || Double.isNaN(c) ? Double.NaN : o == c ? 1 : 0;
        };
    }

    /** The names of the likelihood metrics, computed for every prefix that has a {@code .loglik} score. */
    static final Set<String> LIKELIHOOD = Set.of("<p>.loglik", "<p>.loglik_vs_neutral");

    /** The mean of a likelihood score over the samples that have it; null when none has. */
    private static MetricEntry likelihood(Reducers r, String name, Metric.Slice s, String score) {
        List<SampleRow> scored = Reducers.has(s.rows(), score);
        return scored.isEmpty() ? null : r.mean(name, s.condition(), s.group(), scored, x -> x.score(score));
    }

    /** Accuracy of one family (the slice's group) over the samples with an accuracy score. */
    private static MetricEntry accuracy(Reducers r, String name, Metric.Slice s) {
        List<SampleRow> fr = s.rows().stream().filter(x -> x.familyOrUnknown().equals(s.group())
                && x.score(Scorers.ACCURACY) != null).toList();
        return fr.isEmpty() ? null : r.rate(name, s.condition(), s.group(), fr, x -> x.score(Scorers.ACCURACY));
    }
}
