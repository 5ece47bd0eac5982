package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.model.ModelConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HF peer of bench model without a real Python: a fake interpreter records what it was given
 * (script, config.json, threads) and prints the peer's JSON after a stray line; a missing or
 * unfit Python gives a skip reason naming it.
 */
class PeerBenchTest {

    @TempDir
    Path dir;

    private Path fakePython(String body) throws Exception {
        Path p = dir.resolve("python");
        Files.writeString(p, "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }

    @Test
    void runsTheBundledScriptOnTheSameConfigAndParsesItsJson() throws Exception {
        Path py = fakePython("""
                if [ "$1" = "-c" ]; then echo "transformers 9.1 torch 9.2"; exit 0; fi
                d="$(dirname "$0")"
                echo "$@" > "$d/args.txt"
                head -1 "$1" > "$d/script-head.txt"
                cp "$3" "$d/config-seen.json"
                echo "a warning on the way"
                echo '{"peer":"fake","train":{"tokens_per_s":1000.0},"generate_256_new_tokens":{"batch1_cached_tokens_per_s":200.0,"batch32_cached_tokens_per_s":4000.0}}'
                """);
        PeerBench peer = PeerBench.find(py.toString());
        assertNull(peer.skipReason());
        assertEquals("transformers 9.1 torch 9.2", peer.versions());
        PeerBench.Outcome o = peer.run(ModelConfig.tiny().withVocabSize(1024), 2, 16, 256, 30, 256, List.of(1, 32), dir);
        assertTrue(o.ran(), o.skipped());
        assertEquals(1000.0, o.report().path("train").path("tokens_per_s").asDouble());
        String args = Files.readString(dir.resolve("args.txt"));
        assertTrue(args.contains("peer_bench.py --config "), args);
        assertTrue(args.contains("--threads 2 --train-batch 16 --seq 256 --steps 30 --new-tokens 256 --batches 1,32"), args);
        assertEquals("#!/usr/bin/env python3", Files.readString(dir.resolve("script-head.txt")).strip());
        var cfg = new ObjectMapper().readTree(dir.resolve("config-seen.json").toFile());
        assertEquals("LlamaForCausalLM", cfg.path("architectures").get(0).asText());
        assertEquals(128, cfg.path("hidden_size").asInt());
        assertEquals(1024, cfg.path("vocab_size").asInt());

        Map<String, Object> train = Map.of("tokens_per_s", 1500.0);
        Map<String, Object> gen = new LinkedHashMap<>();
        gen.put("batch1_cached_tokens_per_s", 100.0);
        gen.put("batch1_uncached_tokens_per_s", 10.0);
        gen.put("batch32_cached_tokens_per_s", 8000.0);
        Map<String, BenchModelCommand.PeerRow> r = BenchModelCommand.peerRows(train, gen, o.report(), 256);
        assertEquals(List.of("train tokens/s", "batch-1 cached decode tokens/s", "batch-32 cached decode tokens/s"),
                List.copyOf(r.keySet()), "uncached rows have no peer");
        assertEquals(new BenchModelCommand.PeerRow(1500.0, 1000.0), r.get("train tokens/s"));
        assertEquals(1.5, r.get("train tokens/s").ratio());
        assertEquals(0.5, r.get("batch-1 cached decode tokens/s").ratio());
        assertEquals(2.0, r.get("batch-32 cached decode tokens/s").ratio());
    }

    @Test
    void thePeerRunsWithOpenMpsAndMallocsDefaultsAndTheBenchsThreads() {
        Map<String, String> env = new HashMap<>(Map.of("OMP_WAIT_POLICY", "PASSIVE", "OMP_NUM_THREADS", "8", "PATH", "/bin",
                "MALLOC_MMAP_THRESHOLD_", "268435456", "MALLOC_TRIM_THRESHOLD_", "268435456"));
        PeerBench.peerEnvironment(env, 2);
        assertEquals(Map.of("OMP_NUM_THREADS", "2", "PATH", "/bin"), env,
                "the launcher's PASSIVE and malloc thresholds are charlab's settings; a Python user's PyTorch runs without them");
    }

    @Test
    void aPeerThatPrintsNoJsonBecomesAReason() throws Exception {
        Path py = fakePython("""
                if [ "$1" = "-c" ]; then echo ok; exit 0; fi
                echo "RuntimeError: out of memory"; exit 1
                """);
        PeerBench.Outcome o = PeerBench.find(py.toString()).run(ModelConfig.tiny(), 2, 16, 256, 3, 8, List.of(1), dir);
        assertTrue(!o.ran() && o.skipped().equals("peer failed (exit 1): RuntimeError: out of memory"), o.skipped());
    }

    @Test
    void withoutAFitPythonThePeerIsSkippedWithAVisibleReason() throws Exception {
        String missing = PeerBench.find(dir.resolve("no-such-python").toString()).skipReason();
        assertTrue(missing.startsWith("peer skipped: cannot run " + dir.resolve("no-such-python")), missing);
        assertTrue(missing.contains("--peer-python PATH"), missing);

        Path py = fakePython("echo \"ModuleNotFoundError: No module named 'transformers'\" >&2; exit 1\n");
        String unfit = PeerBench.find(py.toString()).skipReason();
        assertTrue(unfit.contains(py + " cannot import torch and transformers (ModuleNotFoundError: No module named "
                + "'transformers')"), unfit);
        assertEquals("peer skipped: --peer-python none", PeerBench.find("none").skipReason());
        PeerBench.Outcome o = PeerBench.find("none").run(ModelConfig.tiny(), 2, 16, 256, 3, 8, List.of(1), dir);
        assertTrue(!o.ran() && o.skipped().startsWith("peer skipped"), String.valueOf(o.skipped()));
    }
}
