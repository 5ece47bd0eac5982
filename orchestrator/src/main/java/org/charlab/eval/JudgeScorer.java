package org.charlab.eval;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.charlab.eval.judge.JudgeCache;
import org.charlab.eval.judge.JudgeClient;
import org.charlab.eval.judge.JudgeSettings;
import org.charlab.eval.judge.LogprobScore;
import org.charlab.stage.Progress;

/**
 * LLM-judge trait scores: for each configured trait and part (cot, output) the scores
 * {@code judge.<trait>.<part>} (0-100, {@link LogprobScore}) and {@code judge.<trait>.<part>_present}
 * (1 at or above the threshold). No score (null, with a note) for an empty text, a reply with too
 * little mass on numbers, or a request that failed after its retries. All requests of an
 * evaluation go through one {@link JudgeClient}, concurrently.
 */
public final class JudgeScorer implements Scorer, AutoCloseable {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(text|question)}");

    private final JudgeSettings settings;
    private final JudgeClient client;
    private final Function<SampleRow, String> question;

    public JudgeScorer(JudgeSettings settings, JudgeClient client, Function<SampleRow, String> question) {
        this.settings = settings;
        this.client = client;
        this.question = question;
    }

    /** A scorer whose client reads the API key from the environment variable the settings name. */
    public static JudgeScorer create(JudgeSettings s, Path cacheDir, Function<SampleRow, String> question, Progress log) {
        String key = s.apiKeyEnv() == null ? null : System.getenv(s.apiKeyEnv());
        return new JudgeScorer(s, new JudgeClient(s, key, new JudgeCache(cacheDir), log), question);
    }

    /**
     * The judge cache directory: judge.cache_dir if set, else {@code results/.cache/judge} when the
     * stage runs in the stage cache ({@code results/.cache/stages/<key>}), else {@code <output>/judge-cache}.
     */
    public static Path defaultCacheDir(JudgeSettings s, Path stageOutput) {
        if (s.cacheDir() != null) {
            return Path.of(s.cacheDir());
        }
        Path parent = stageOutput.toAbsolutePath().getParent();
        if (parent != null && parent.getFileName() != null && parent.getFileName().toString().equals("stages")
                && parent.getParent() != null) {
            return parent.getParent().resolve("judge");
        }
        return stageOutput.resolve("judge-cache");
    }

    /** Fills {text} and {question} in one pass (a text containing "{question}" stays as written). */
    public static String fill(String template, String text, String question) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(sb, Matcher.quoteReplacement(m.group(1).equals("text") ? text : question));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    @Override
    public Scored score(SampleRow row) {
        return scoreAll(List.of(row)).get(0);
    }

    @Override
    public List<Scored> scoreAll(List<SampleRow> rows) {
        record Job(int row, String name, String prompt) {
        }
        List<Job> jobs = new ArrayList<>();
        List<Map<String, Double>> scores = new ArrayList<>();
        List<Map<String, String>> notes = new ArrayList<>();
        Map<String, String> traits = new TreeMap<>(settings.traits());
        for (int i = 0; i < rows.size(); i++) {
            SampleRow r = rows.get(i);
            Map<String, Double> s = new LinkedHashMap<>();
            Map<String, String> n = new LinkedHashMap<>();
            for (Map.Entry<String, String> t : traits.entrySet()) {
                for (JudgeSettings.Part part : settings.parts()) {
                    String p = part == JudgeSettings.Part.COT ? "cot" : "output";
                    String name = "judge." + t.getKey() + "." + p;
                    String text = part == JudgeSettings.Part.COT ? r.writtenCot() : r.output();
                    s.put(name, null);
                    s.put(name + "_present", null);
                    if (text.isBlank()) {
                        n.put(name, "empty " + p + ": not judged");
                    } else {
                        jobs.add(new Job(i, name, fill(t.getValue(), text, question.apply(r))));
                    }
                }
            }
            scores.add(s);
            notes.add(n);
        }
        List<LogprobScore.Result> results = client.judgeAll(jobs.stream().map(Job::prompt).toList());
        for (int j = 0; j < jobs.size(); j++) {
            Job job = jobs.get(j);
            LogprobScore.Result res = results.get(j);
            if (res.score() != null) {
                scores.get(job.row()).put(job.name(), res.score());
                scores.get(job.row()).put(job.name() + "_present", res.score() >= settings.threshold() ? 1.0 : 0.0);
            } else {
                notes.get(job.row()).put(job.name(), res.reason());
            }
        }
        List<Scored> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            out.add(new Scored(scores.get(i), notes.get(i)));
        }
        return out;
    }

    /** Stops the client's request threads. */
    @Override
    public void close() {
        client.close();
    }
}
