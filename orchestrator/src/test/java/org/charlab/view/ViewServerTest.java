package org.charlab.view;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.charlab.results.StageCache;
import org.charlab.testing.CliRun;
import org.charlab.testing.Prerequisite;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * charlab view in process on an ephemeral port, over a results directory with one finished sweep
 * (synth-eval: known trait rates) and one "live" sweep whose training stage holds its lock and has
 * written part of its metrics.jsonl.
 */
class ViewServerTest {

    @TempDir
    static Path dir;
    static Path results;
    static Path sweep;
    static ViewServer server;
    static StageCache.Lock liveLock;
    static Path liveMetrics;
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final String SECRET = "top-secret-outside-the-results";

    @BeforeAll
    static void sweepsAndServer() throws Exception {
        results = dir.resolve("results");
        Path exp = dir.resolve("study.yaml");
        Files.writeString(exp, """
                name: study
                stages:
                  ev: {type: synth-eval, samples_per_prompt: 2}
                sweep:
                  seeds: [0, 1]
                  arms:
                    low: {stages.ev.output_rate: 0.2}
                    high: {stages.ev.output_rate: 0.8}
                """);
        CliRun r = CliRun.of("run", exp.toString(), "--results", results.toString(), "--in-process", "--sweep-id", "s");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        sweep = results.resolve("study/s");
        liveSweep();
        // outside the root: a secret file, a directory link and a file link pointing at it, a linked "sweep"
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.writeString(outside.resolve("secret.txt"), SECRET);
        Files.copy(sweep.resolve("plan.json"), outside.resolve("plan.json"));
        Files.createSymbolicLink(results.resolve("study/link-out"), outside);
        Files.createSymbolicLink(results.resolve("study/s/secret-link.txt"), outside.resolve("secret.txt"));
        server = ViewServer.start(results, "127.0.0.1", 0);
    }

    /**
     * study/live: the finished sweep's plan with run high-s0's stage renamed to a key nobody
     * computed, whose lock this test holds and whose partial output has 3 logged steps.
     */
    static void liveSweep() throws Exception {
        ObjectNode plan = (ObjectNode) JSON.readTree(sweep.resolve("plan.json").toFile());
        String key = null;
        for (JsonNode run : plan.get("runs")) {
            if (run.get("id").asText().equals("high-s0")) {
                ObjectNode step = (ObjectNode) run.get("stages").get(0);
                key = step.get("key").asText();
                step.put("key", "livekey");
            }
        }
        ObjectNode stages = (ObjectNode) plan.get("stages");
        stages.set("livekey", stages.get(key));
        plan.put("sweepId", "live");
        Path live = results.resolve("study/live");
        Files.createDirectories(live);
        JSON.writeValue(live.resolve("plan.json").toFile(), plan);
        StageCache cache = new StageCache(results.resolve(".cache/stages"));
        liveLock = cache.lock("livekey");
        liveMetrics = cache.partial("livekey").resolve("metrics.jsonl");
        Files.createDirectories(liveMetrics.getParent());
        Files.writeString(liveMetrics, line(1, 3.0) + line(2, 2.5) + line(3, 2.2));
    }

    static String line(int step, double loss) {
        return "{\"step\":" + step + ",\"loss\":" + loss + ",\"lr\":0.001}\n";
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (liveLock != null) {
            liveLock.close();
        }
    }

    static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** A request whose path goes on the wire exactly as written (no client normalises it): status and body. */
    static String[] raw(String path, String host) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            String resp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return new String[] {resp.substring(9, 12), resp};
        }
    }

    @Test
    void everyPageAnswersAndShowsWhatIsOnDisk() throws Exception {
        HttpResponse<String> index = get("/");
        assertEquals(200, index.statusCode());
        assertTrue(index.body().contains("href=\"/sweep/study/s\""), index.body());
        assertTrue(index.body().contains("href=\"/sweep/study/live\""), index.body());
        assertFalse(index.body().contains("link-out"), "a linked directory outside the root is not listed");

        HttpResponse<String> s = get("/sweep/study/s");
        assertEquals(200, s.statusCode());
        assertTrue(s.body().contains("4 runs: 4 done"), s.body());
        for (String run : List.of("low-s0", "low-s1", "high-s0", "high-s1")) {
            assertTrue(s.body().contains("href=\"/run/study/s/" + run + "\""), run);
        }

        HttpResponse<String> run = get("/run/study/s/high-s1");
        assertEquals(200, run.statusCode());
        String config = Files.readString(sweep.resolve("runs/high-s1/config.resolved.yaml"));
        assertTrue(run.body().contains(Html.esc(config)), "the resolved config, verbatim (escaped)");
        assertTrue(run.body().contains("<h2>Provenance (of the sweep)</h2>\n<pre>{"), run.body());
        assertTrue(run.body().contains("git_commit"), "provenance.json is shown");

        HttpResponse<String> file = get("/file/study/s/runs/high-s1/stages/ev/metrics.json");
        assertEquals(200, file.statusCode(), "a link inside the root (runs/x/stages -> .cache) is followed");
        assertEquals(Files.readString(sweep.resolve("runs/high-s1/stages/ev/metrics.json")), file.body());
        assertEquals(404, get("/run/study/s/nobody").statusCode());
        assertEquals(404, get("/nowhere").statusCode());
    }

    @Test
    void transcriptsFilterByArmAndDetectorHit() throws Exception {
        int yes = matching("/transcripts/study/s?arm=high&detector=trait.caps.output_present&hit=yes&limit=5000");
        int no = matching("/transcripts/study/s?arm=high&detector=trait.caps.output_present&hit=no&limit=5000");
        int all = matching("/transcripts/study/s?arm=high&limit=5000");
        assertEquals(2 * 40 * 2, all, "2 seeds x 40 prompts x 2 samples of arm high");
        assertEquals(all, yes + no, "hit and no hit partition the arm's turns");
        assertTrue(yes > 0.6 * all && no > 0, "output rate 0.8: " + yes + " of " + all);
        String body = get("/transcripts/study/s?arm=high&detector=trait.caps.output_present&hit=yes").body();
        assertFalse(body.contains("<td>low</td>"), "only arm high");
        Matcher rows = Pattern.compile("<tr><td>high-s\\d</td>.*?</tr>").matcher(body);
        int shown = 0;
        while (rows.find()) {
            shown++;
            assertTrue(rows.group().contains("output: caps"),
                    "every shown output names the detector that fired on it: " + rows.group());
        }
        assertEquals(Math.min(yes, TranscriptsPage.DEFAULT_LIMIT), shown);
        assertEquals(0, matching("/transcripts/study/s?arm=high&condition=nosuch"));
        assertEquals(all / 2, matching("/transcripts/study/s?arm=high&family=arithmetic&limit=5000"),
                "even prompts are arithmetic");
    }

    private static int matching(String path) throws Exception {
        HttpResponse<String> r = get(path);
        assertEquals(200, r.statusCode(), r.body());
        Matcher m = Pattern.compile("<p id=\"matching\">(\\d+) turns match").matcher(r.body());
        assertTrue(m.find(), r.body());
        return Integer.parseInt(m.group(1));
    }

    @Test
    void theComparisonJsonIsCompareCommandsJson() throws Exception {
        CliRun cli = CliRun.of("compare", sweep.toString(), "--baseline", "low", "--format", "json");
        assertEquals(0, cli.exitCode(), cli.err());
        HttpResponse<String> web = get("/api/compare?path=study/s&baseline=low");
        assertEquals(200, web.statusCode(), web.body());
        assertEquals(cli.out(), web.body());
        assertTrue(web.body().contains("\"delta\""), "paired differences are in it");

        CliRun two = CliRun.of("compare", sweep.resolve("runs/high-s0").toString(), sweep.resolve("runs/low-s1").toString(),
                "--metrics", "trait.*", "--family", "arithmetic", "--format", "json");
        HttpResponse<String> webTwo = get("/api/compare?path=study/s/runs/high-s0&path=study/s/runs/low-s1"
                + "&metrics=trait.*&family=arithmetic");
        assertEquals(two.out(), webTwo.body());

        HttpResponse<String> page = get("/compare?path=study/s&baseline=low");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("<th>vs baseline [interval]</th>"), page.body());
        assertEquals(400, get("/api/compare?path=study/s&baseline=ghost").statusCode(), "compare's own BadInput");
    }

    @Test
    void pathsNeverLeaveTheResultsDirectory() throws Exception {
        String host = "127.0.0.1:" + server.port();
        List<String> attempts = List.of("/file/../outside/secret.txt", "/file/study/../../outside/secret.txt",
                "/file/%2e%2e/outside/secret.txt", "/file/study/%2E%2E/%2e%2e/outside/secret.txt",
                "/file/..%2foutside%2fsecret.txt", "/file/%2e%2e%2foutside%2fsecret.txt",
                "/file/" + dir.resolve("outside/secret.txt"), "/file//" + dir.resolve("outside/secret.txt"),
                "/file/study/link-out/secret.txt", "/file/study/s/secret-link.txt", "/sweep/study/link-out",
                "/api/status/study/link-out", "/sweep/..", "/sweep/study/..%2f..%2foutside",
                "/api/compare?path=study/link-out", "/api/compare?path=../outside",
                "/api/compare?path=" + dir.resolve("outside"), "/api/compare?path=study/s/../../../outside",
                "/transcripts/study/link-out", "/file/study/s/runs/high-s0/stages/ev/..%2F..%2F..%2F..%2F..%2Foutside%2Fsecret.txt",
                "/file/study%5c..%5c..%5coutside%5csecret.txt", "/file/study/s/plan.json%00");
        for (String a : attempts) {
            String[] r = raw(a, host);
            assertTrue(r[0].equals("400") || r[0].equals("404"), a + " -> " + r[0]);
            assertFalse(r[1].contains(SECRET), a);
        }
        assertEquals("200", raw("/file/study/s/plan.json", host)[0], "the same request form works inside the root");
        assertEquals("403", raw("/", "evil.example:" + server.port())[0], "another site's name: refused");
        assertEquals(405, HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/file/x"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void theCommandRefusesAMissingDirectoryInOneLine() {
        CliRun r = CliRun.of("view", dir.resolve("nowhere").toString(), "--port", "0");
        assertEquals(2, r.exitCode(), r.out() + r.err());
        assertEquals(List.of("charlab: " + dir.resolve("nowhere") + ": not a directory (the results directory to view)"),
                r.errLines());
    }

    @Test
    void aSessionOfRequestsWritesNothing() throws Exception {
        Map<String, String> before = snapshot(results);
        for (String p : List.of("/", "/sweep/study/s", "/sweep/study/live", "/api/status/study/live", "/run/study/s/low-s0",
                "/run/study/live/high-s0", "/transcripts/study/s", "/transcripts/study/live?detector=trait.caps.cot_present",
                "/compare?path=study/s&baseline=low", "/api/compare?path=study/s&path=study/live",
                "/file/study/s/sweep.log", "/file/../outside/secret.txt", "/nowhere")) {
            get(p);
        }
        raw("/file/%2e%2e/x", "127.0.0.1:" + server.port());
        assertEquals(before, snapshot(results));
    }

    /** Every path under the root (links not followed) with its size and modification time. */
    static Map<String, String> snapshot(Path root) throws Exception {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.toList()) {
                out.put(root.relativize(p).toString(), Files.size(p) + " "
                        + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toMillis());
            }
        }
        assertTrue(out.size() > 20, "the tree was walked: " + out.size());
        return out;
    }

    @Test
    void aRunningSweepsStatusFollowsTheDisk() throws Exception {
        JsonNode st = JSON.readTree(get("/api/status/study/live").body());
        JsonNode high = null;
        for (JsonNode r : st.get("runs")) {
            if (r.get("run").asText().equals("high-s0")) {
                high = r;
            }
        }
        assertEquals("running", high.get("state").asText(), "its stage's lock is held");
        assertTrue(st.get("counts").asText().contains("1 running, 3 done"), st.toString());
        assertEquals(1, st.get("curves").size());
        int n = st.get("curves").get(0).get("points").size();
        assertTrue(n >= 3, "the partial metrics.jsonl so far");
    }

    @Test
    void theIndexLoadsAndARunningSweepsPageUpdatesInChromium() throws Exception {
        Prerequisite.require(Files.isExecutable(HeadlessChromium.BINARY),
                "Chromium is not installed at /usr/bin/chromium (.ci/chromium-setup.sh installs it): no browser check");
        String base = "http://127.0.0.1:" + server.port();
        try (HeadlessChromium c = new HeadlessChromium(dir)) {
            c.navigate(base + "/");
            assertEquals("2", c.await("String(document.querySelectorAll('a[href^=\"/sweep/\"]').length)",
                    "2"::equals, Duration.ofSeconds(30)), "the index lists both sweeps");
            c.navigate(base + "/sweep/study/live");
            String pts = "document.getElementById('curve-points') && document.getElementById('curve-points').textContent";
            String first = c.await(pts, v -> Integer.parseInt(v) >= 3, Duration.ofSeconds(30));
            assertTrue(Integer.parseInt(first) >= 3, "the script drew the curve so far: " + first);
            assertTrue(c.eval("document.getElementById('runs-body').textContent").contains("running"));
            Files.writeString(liveMetrics, line(Integer.parseInt(first) + 1, 2.0), StandardOpenOption.APPEND);
            String next = c.await(pts, v -> Integer.parseInt(v) > Integer.parseInt(first), Duration.ofSeconds(20));
            assertEquals(Integer.parseInt(first) + 1, Integer.parseInt(next), "a new metrics line shows up by polling");
            assertTrue(c.eval("document.querySelector('#curves figcaption').textContent").contains("loss 2.000"),
                    c.eval("document.getElementById('curves').textContent"));
        }
    }
}
