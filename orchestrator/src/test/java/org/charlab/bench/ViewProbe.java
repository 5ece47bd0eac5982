package org.charlab.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.charlab.testing.CliRun;
import org.charlab.view.ViewServer;

/**
 * How responsive {@code charlab view} is on a 100-run results directory: runs a synth-eval sweep of
 * 2 arms x 50 seeds (test-only stage, 40 prompts x 2 samples per run, no training) into a temporary
 * directory, starts the viewer in a fresh state (no scan cached) and times the first request of each
 * page once. Findings: README, "Browsing results". Run:
 * <pre>
 * cd orchestrator && mvn -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * nice java -cp target/test-classes:target/classes:$(cat target/cp.txt) org.charlab.bench.ViewProbe
 * </pre>
 */
public final class ViewProbe {

    private ViewProbe() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("view-probe");
        Path exp = dir.resolve("big.yaml");
        StringBuilder seeds = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            seeds.append(i == 0 ? "" : ", ").append(i);
        }
        Files.writeString(exp, "name: big\nstages:\n  ev: {type: synth-eval, samples_per_prompt: 2}\nsweep:\n"
                + "  seeds: [" + seeds + "]\n  arms:\n    low: {stages.ev.output_rate: 0.2}\n"
                + "    high: {stages.ev.output_rate: 0.8}\n");
        CliRun r = CliRun.of("run", exp.toString(), "--results", dir.resolve("results").toString(), "--in-process",
                "--sweep-id", "s");
        if (r.exitCode() != 0) {
            throw new IllegalStateException(r.err());
        }
        HttpClient http = HttpClient.newHttpClient();
        try (ViewServer v = ViewServer.start(dir.resolve("results"), "127.0.0.1", 0)) {
            for (String p : new String[] {"/", "/", "/sweep/big/s", "/api/status/big/s", "/run/big/s/high-s7",
                    "/transcripts/big/s?arm=high&detector=trait.caps.output_present",
                    "/api/compare?path=big/s&baseline=low", "/api/compare?path=big/s&baseline=low"}) {
                long t0 = System.nanoTime();
                HttpResponse<String> resp = http.send(HttpRequest.newBuilder(URI.create(v.url() + p.substring(1))).build(),
                        HttpResponse.BodyHandlers.ofString());
                System.out.printf("%-62s %d %7.0f ms %8d bytes%n", p, resp.statusCode(),
                        (System.nanoTime() - t0) / 1e6, resp.body().length());
            }
        }
    }
}
