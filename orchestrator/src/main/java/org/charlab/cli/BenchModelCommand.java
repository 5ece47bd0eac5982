package org.charlab.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.config.RuntimeConfig;
import org.charlab.generate.SamplingCost;
import org.charlab.generate.SamplingParams;
import org.charlab.model.Engines;
import org.charlab.model.ModelConfig;
import org.charlab.train.ModelBench;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code charlab bench model}: training and generation throughput of the model core. */
@Command(name = "model",
        mixinStandardHelpOptions = true,
        description = {"Training tokens/s and FLOP utilisation against this machine's fp32 matmul peak (measured in "
                + "the same run), generation tokens/s with and without the KV cache at batch 1 and 32, the Java sampling cost per row, and RSS."})
public final class BenchModelCommand implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Option(names = "--steps", defaultValue = "50", description = "Timed training steps per size (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--sizes", split = ",", defaultValue = "tiny,25m", description = "Model sizes: tiny (charworld's default base, 1,024-id BPE), tiny-byte (264-id byte vocabulary), 25m (default ${DEFAULT-VALUE}).")
    List<String> sizes;

    @Option(names = "--new-tokens", defaultValue = "256", description = "New tokens per generated sample (default ${DEFAULT-VALUE}).")
    int newTokens;

    @Option(names = "--rss-steps", defaultValue = "2000", description = "Training steps of the tiny model over which RSS must stay flat; 0 skips (default ${DEFAULT-VALUE}).")
    int rssSteps;

    @Option(names = "--uncached-25m", description = "Also time uncached generation at batch 32 for 25m (slow: many minutes).")
    boolean uncached25mBatch32;

    @Option(names = "--threads", defaultValue = "0", description = "Intra-op threads; 0 = all cores (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--json", description = "Print the results as JSON.")
    boolean json;

    @Option(names = "--peer-python", defaultValue = "",
            description = "Python with torch and transformers for the Hugging Face peer run on the same config in the same run; "
                    + "'none' skips it (default: $CHARLAB_PEER_PYTHON, else python3 if it imports both).")
    String peerPython;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        for (String s : sizes) {
            config(s);
        }
        Engines.configure(new RuntimeConfig("cpu", threads, 1), 1, 1);
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("machine", Map.of("cores", Runtime.getRuntime().availableProcessors(), "threads",
                ModelBench.threads(), "os", System.getProperty("os.name") + " " + System.getProperty("os.arch"),
                "java", System.getProperty("java.version"), "load_average_at_start",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        double peak;
        try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
            peak = ModelBench.matmulPeakGflops(m, 1024);
        }
        report.put("matmul_peak_gflops", peak);
        progress(out, "fp32 matmul peak: %.1f GFLOP/s", peak);
        PeerBench peer = PeerBench.find(peerPython);
        if (peer.skipReason() != null) {
            progress(out, "%s", peer.skipReason());
            report.put("peer", Map.of("skipped", peer.skipReason()));
        } else {
            progress(out, "peer: %s (%s; OpenMP's default wait policy and glibc's default malloc, as a Python user runs it)",
                    peer.versions(), peerPython.isBlank() ? "python3" : peerPython);
        }
        for (String size : sizes) {
            ModelConfig cfg = config(size);
            Map<String, Object> r = new LinkedHashMap<>();
            boolean tiny = size.equals("tiny");
            Map<String, Object> train = ModelBench.train(cfg, tiny ? 16 : 8, tiny ? 256 : 256, steps, 1, true);
            if ((int) train.get("lanes") > 0) {
                // the same steps on the calling thread with every intra-op thread, for the lanes' gain
                Map<String, Object> caller = ModelBench.train(cfg, tiny ? 16 : 8, 256, steps, 1, false);
                train.put("caller_tokens_per_s", caller.get("tokens_per_s"));
                train.put("lanes_over_caller", (double) train.get("tokens_per_s") / (double) caller.get("tokens_per_s"));
                progress(out, "%s train: %d lanes %.0f tokens/s, on the caller %.0f tokens/s, lanes/caller %.2f", size,
                        train.get("lanes"), train.get("tokens_per_s"), caller.get("tokens_per_s"),
                        train.get("lanes_over_caller"));
            }
            try (ai.djl.ndarray.NDManager m = ai.djl.ndarray.NDManager.newBaseManager()) {
                peak = Math.max(peak, ModelBench.matmulPeakGflops(m, 1024)); // re-measured next to each run
            }
            report.put("matmul_peak_gflops", peak);
            train.put("fraction_of_matmul_peak", (double) train.get("model_gflops_per_s") / peak);
            train.put("best_5_step_fraction_of_matmul_peak", (double) train.get("best_5_step_model_gflops_per_s") / peak);
            r.put("train", train);
            progress(out, "%s train: %.0f tokens/s, %.1f%% of matmul peak (best 5 steps: %.0f tokens/s, %.1f%%; peak %.1f)",
                    size, train.get("tokens_per_s"), 100 * (double) train.get("fraction_of_matmul_peak"),
                    train.get("best_5_step_tokens_per_s"),
                    100 * (double) train.get("best_5_step_fraction_of_matmul_peak"), peak);
            Map<String, Object> gen = new LinkedHashMap<>();
            int separate = ModelBench.decodeStepArrays(cfg, 32, false);
            int fusedArrays = ModelBench.decodeStepArrays(cfg, 32, true);
            gen.put("decode_step_native_ops_separate_projections", separate);
            gen.put("decode_step_native_ops", fusedArrays);
            progress(out, "%s decode step: %d native calls from Java (arrays created; %d op by op with separate "
                    + "projections)", size, fusedArrays, separate);
            SamplingParams sp = new SamplingParams(1.0, 0.95, 0, newTokens, 1, true, 32);
            double flat = SamplingCost.microsPerRow(cfg.vocabSize(), 0.25, sp);
            double peaked = SamplingCost.microsPerRow(cfg.vocabSize(), 3.0, sp);
            gen.put("sampling_us_per_row_flat_logits", flat);
            gen.put("sampling_us_per_row_peaked_logits", peaked);
            progress(out, "%s sampling in Java (top_p 0.95, %d ids): %.1f us per row of flat logits (sd 0.25, as the "
                    + "random weights give), %.1f of peaked ones (sd 3)", size, cfg.vocabSize(), flat, peaked);
            for (int batch : new int[] {1, 32}) {
                double cached = ModelBench.generate(cfg, batch, newTokens, true, 1);
                gen.put("batch" + batch + "_cached_tokens_per_s", cached);
                progress(out, "%s generate batch %d cached: %.0f new tokens/s", size, batch, cached);
                if (tiny || batch == 1 || uncached25mBatch32) {
                    double uncached = ModelBench.generate(cfg, batch, newTokens, false, 1);
                    gen.put("batch" + batch + "_uncached_tokens_per_s", uncached);
                    gen.put("batch" + batch + "_cache_speedup", cached / uncached);
                    progress(out, "%s generate batch %d uncached: %.0f new tokens/s (cache speed-up %.1fx)", size, batch,
                            uncached, cached / uncached);
                }
            }
            r.put("generate_" + newTokens + "_new_tokens", gen);
            if (peer.skipReason() == null) {
                PeerBench.Outcome po = peer.run(cfg, ModelBench.threads(), tiny ? 16 : 8, 256, steps, newTokens,
                        List.of(1, 32), java.nio.file.Path.of(System.getProperty("java.io.tmpdir")));
                if (po.ran()) {
                    Map<String, PeerRow> rows = peerRows(train, gen, po.report(), newTokens);
                    r.put("peer", new ObjectMapper().convertValue(po.report(), Map.class));
                    Map<String, Object> side = new LinkedHashMap<>();
                    for (Map.Entry<String, PeerRow> e : rows.entrySet()) {
                        side.put(e.getKey(), e.getValue().toMap());
                        progress(out, "%s %-36s charlab %8.0f   peer %8.0f   charlab / peer %.2f", size, e.getKey(),
                                e.getValue().charlab(), e.getValue().peer(), e.getValue().ratio());
                    }
                    r.put("charlab_vs_peer", side);
                } else {
                    progress(out, "%s %s", size, po.skipped());
                    r.put("peer", Map.of("skipped", po.skipped()));
                }
            }
            report.put(size, r);
        }
        if (rssSteps > 0) {
            Map<String, Object> rss = ModelBench.rssOverSteps(config("tiny"), 4, 128, rssSteps, 2);
            report.put("tiny_rss_over_steps", rss);
            progress(out, "tiny RSS over %d steps: %+.1f%%", rssSteps, rss.get("rss_growth_pct"));
        }
        report.put("peak_rss_kb", ModelBench.rssKb("VmHWM:"));
        report.put("load_average_at_end",
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        if (json) {
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
        } else {
            out.println("peak RSS: " + report.get("peak_rss_kb") + " kB");
        }
        out.flush();
        return Main.EXIT_OK;
    }

    /** One benchmark row measured by both in the same run. */
    record PeerRow(double charlab, double peer) {
        double ratio() {
            return charlab / peer;
        }

        Map<String, Double> toMap() {
            return Map.of("charlab", charlab, "peer", peer, "charlab_over_peer", ratio());
        }
    }

    /** charlab and peer per row (training tokens/s, cached decode tokens/s per batch), from the same run. */
    static Map<String, PeerRow> peerRows(Map<String, Object> train, Map<String, Object> gen,
            com.fasterxml.jackson.databind.JsonNode peer, int newTokens) {
        Map<String, PeerRow> r = new LinkedHashMap<>();
        r.put("train tokens/s", new PeerRow((double) train.get("tokens_per_s"),
                peer.path("train").path("tokens_per_s").asDouble()));
        com.fasterxml.jackson.databind.JsonNode pg = peer.path("generate_" + newTokens + "_new_tokens");
        for (String k : gen.keySet()) {
            if (k.endsWith("_cached_tokens_per_s") && !k.contains("uncached") && pg.has(k)) {
                String batch = k.substring("batch".length(), k.indexOf('_'));
                r.put("batch-" + batch + " cached decode tokens/s", new PeerRow((double) gen.get(k), pg.get(k).asDouble()));
            }
        }
        return r;
    }

    private void progress(PrintWriter out, String fmt, Object... args) {
        if (!json) {
            out.println(String.format(java.util.Locale.ROOT, fmt, args));
            out.flush();
        } else {
            System.err.println(String.format(java.util.Locale.ROOT, fmt, args));
        }
    }

    private static ModelConfig config(String size) {
        return switch (size) {
            case "tiny" -> ModelConfig.tiny().withVocabSize(1024); // charworld's default base: 1,024-id BPE
            case "tiny-byte" -> ModelConfig.tiny();
            case "25m" -> ModelConfig.small25m();
            default -> throw new BadInput("--sizes: unknown size '" + size + "'; known: tiny (charworld's default base), tiny-byte (the same with the 264-id byte vocabulary), 25m");
        };
    }
}
