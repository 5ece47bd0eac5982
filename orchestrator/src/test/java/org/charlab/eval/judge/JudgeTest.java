package org.charlab.eval.judge;

import org.charlab.eval.JudgeScorer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.charlab.eval.BootstrapSettings;
import org.charlab.eval.MetricEntry;
import org.charlab.eval.MetricsCalculator;
import org.charlab.eval.MetricsReport;
import org.charlab.eval.SampleRow;
import org.charlab.eval.Scorer;
import org.charlab.stage.Progress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The judge against a real local HTTP server (real sockets, real JSON). */
class JudgeTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String KEY = "sk-test-SECRET-4242";

    @TempDir
    Path tmp;

    HttpServer server;
    final AtomicInteger calls = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    final AtomicInteger maxInFlight = new AtomicInteger();
    final List<String> authHeaders = Collections.synchronizedList(new ArrayList<>());
    final List<String> logLines = Collections.synchronizedList(new ArrayList<>());

    interface Behaviour {
        /** Handles request number {@code n} (from 1) with the judge prompt; returns false if it already replied. */
        void handle(HttpExchange ex, int n, String prompt) throws Exception;
    }

    String start(Behaviour b) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(16));
        server.createContext("/v1/chat/completions", ex -> {
            int n = calls.incrementAndGet();
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                authHeaders.add(ex.getRequestHeaders().getFirst("Authorization"));
                JsonNode req = JSON.readTree(ex.getRequestBody());
                b.handle(ex, n, req.path("messages").path(0).path("content").asText());
            } catch (Exception e) {
                // the client went away (timeout): nothing to send
            } finally {
                inFlight.decrementAndGet();
                ex.close();
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    static void reply(HttpExchange ex, int code, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(code, b.length);
        ex.getResponseBody().write(b);
    }

    /** A chat-completions reply whose first token's top logprobs are the given (token, probability) pairs. */
    static String logprobReply(Object... tokenProb) throws IOException {
        var root = JSON.createObjectNode();
        var content = root.putArray("choices").addObject().putObject("logprobs").putArray("content").addObject();
        content.put("token", (String) tokenProb[0]);
        content.put("logprob", Math.log(((Number) tokenProb[1]).doubleValue()));
        var top = content.putArray("top_logprobs");
        for (int i = 0; i < tokenProb.length; i += 2) {
            top.addObject().put("token", (String) tokenProb[i]).put("logprob", Math.log(((Number) tokenProb[i + 1]).doubleValue()));
        }
        return JSON.writeValueAsString(root);
    }

    /** 90 for a text containing "ARR", 10 otherwise. */
    static void traitServer(HttpExchange ex, int n, String prompt) throws IOException {
        reply(ex, 200, prompt.contains("ARR") ? logprobReply("90", 0.9, "Sure", 0.1) : logprobReply("10", 0.8, "I", 0.2));
    }

    JudgeSettings settings(String url, int concurrency, double timeoutS, int retries) {
        return new JudgeSettings(url, "judge-model", "CHARLAB_TEST_NO_SUCH_VAR",
                Map.of("pirate", "Rate 0-100 how pirate-like this is. Question: {question}\nText: {text}\nNumber:"),
                List.of(JudgeSettings.Part.COT, JudgeSettings.Part.OUTPUT), 50, 0.25, concurrency, timeoutS, retries,
                0.01, tmp.resolve("cache").toString());
    }

    JudgeClient client(JudgeSettings s) {
        return new JudgeClient(s, KEY, new JudgeCache(Path.of(s.cacheDir())), new Progress() {
            @Override
            public void report(long done, long total, String note) {
                logLines.add(note);
            }

            @Override
            public void log(String line) {
                logLines.add(line);
            }
        });
    }

    @Test
    void scoreIsTheProbabilityWeightedMeanOverNumberTokens() {
        List<LogprobScore.TopLogprob> top = new ArrayList<>();
        top.add(new LogprobScore.TopLogprob("0", Math.log(0.1)));
        top.add(new LogprobScore.TopLogprob("50", Math.log(0.3)));
        top.add(new LogprobScore.TopLogprob("100", Math.log(0.2)));
        top.add(new LogprobScore.TopLogprob(" 75", Math.log(0.1)));
        top.add(new LogprobScore.TopLogprob("I", Math.log(0.15)));
        top.add(new LogprobScore.TopLogprob("150", Math.log(0.05))); // not 0-100
        top.add(new LogprobScore.TopLogprob("-5", Math.log(0.05)));
        for (int i = 0; i < 13; i++) {
            top.add(new LogprobScore.TopLogprob("w" + i, Math.log(0.001)));
        }
        assertEquals(20, top.size());
        LogprobScore.Result r = LogprobScore.score(top, 0.25);
        assertEquals((0 * 0.1 + 50 * 0.3 + 100 * 0.2 + 75 * 0.1) / 0.7, r.score(), 1e-9);
        assertEquals(0.7, r.numberMass(), 1e-9);
        assertNull(r.reason());
    }

    @Test
    void noScoreWhenLessThanAQuarterOfTheMassIsOnNumbers() {
        LogprobScore.Result r = LogprobScore.score(List.of(new LogprobScore.TopLogprob("80", Math.log(0.24)),
                new LogprobScore.TopLogprob("I", Math.log(0.7))), 0.25);
        assertNull(r.score());
        assertTrue(r.reason().contains("0.240"), r.reason());
        assertNotNull(LogprobScore.score(List.of(new LogprobScore.TopLogprob("80", Math.log(0.26))), 0.25).score());
    }

    @Test
    void retriesOn429WithBackoffThenSucceeds() throws Exception {
        String url = start((ex, n, p) -> {
            if (n <= 2) {
                ex.getResponseHeaders().add("Retry-After", "0");
                reply(ex, 429, "{\"error\": \"rate limited\"}");
            } else {
                traitServer(ex, n, p);
            }
        });
        try (JudgeClient c = client(settings(url, 1, 5, 3))) {
            long t0 = System.nanoTime();
            LogprobScore.Result r = c.judge("ARR matey");
            assertEquals(90.0, r.score(), 1e-9);
            assertEquals(3, calls.get());
            assertTrue(System.nanoTime() - t0 >= 30_000_000L, "backoff 10 ms + 20 ms");
        }
        assertTrue(authHeaders.stream().allMatch(("Bearer " + KEY)::equals), "the key is sent as a Bearer token");
    }

    @Test
    void timeoutsAreRetriedThenRecordedAsFailureWithoutCrashing() throws Exception {
        String url = start((ex, n, p) -> Thread.sleep(1500));
        try (JudgeClient c = client(settings(url, 1, 0.2, 1))) {
            LogprobScore.Result r = c.judge("anything");
            assertNull(r.score());
            assertTrue(r.reason().contains("timeout") && r.reason().contains("2 attempts"), r.reason());
            assertEquals(2, calls.get());
        }
    }

    @Test
    void malformedRepliesGiveNoScoreWithAReasonAndAreNotCached() throws Exception {
        String url = start((ex, n, p) -> reply(ex, 200, n == 1 ? "{not json" : "{\"choices\": []}"));
        try (JudgeClient c = client(settings(url, 1, 5, 0))) {
            LogprobScore.Result a = c.judge("x");
            assertNull(a.score());
            assertTrue(a.reason().startsWith("malformed reply: not JSON"), a.reason());
            LogprobScore.Result b = c.judge("x");
            assertTrue(b.reason().contains("top_logprobs"), b.reason());
            assertEquals(2, calls.get(), "malformed replies are not cached");
        }
        String bad = start2((ex, n, p) -> reply(ex, 400, "{\"error\": \"bad model\"}"));
        try (JudgeClient c = client(settings(bad, 1, 5, 3))) {
            LogprobScore.Result r = c.judge("y");
            assertTrue(r.reason().contains("HTTP 400 (not retried)"), r.reason());
        }
    }

    HttpServer second;

    String start2(Behaviour b) throws IOException {
        HttpServer keep = server;
        String url = start(b);
        second = keep;
        return url;
    }

    @AfterEach
    void stopSecond() {
        if (second != null) {
            second.stop(0);
        }
    }

    @Test
    void aCacheHitSendsNothingAndNoFileOrLogHoldsTheKey() throws Exception {
        String url = start(JudgeTest::traitServer);
        JudgeSettings s = settings(url, 2, 5, 0);
        List<String> prompts = List.of("ARR one", "plain two", "ARR three");
        List<LogprobScore.Result> first;
        try (JudgeClient c = client(s)) {
            first = c.judgeAll(prompts);
            assertEquals(3, c.httpCalls());
        }
        try (JudgeClient c = client(s)) {
            List<LogprobScore.Result> again = c.judgeAll(prompts);
            assertEquals(0, c.httpCalls(), "every reply comes from the cache");
            assertEquals(first, again);
        }
        assertEquals(3, calls.get());
        // a failure gets logged too; still no key anywhere
        server.stop(0);
        try (JudgeClient c = client(settings(url, 1, 0.5, 0))) {
            assertNull(c.judge("not cached").score());
        }
        assertFalse(logLines.isEmpty());
        for (String line : logLines) {
            assertFalse(line.contains(KEY), line);
        }
        try (Stream<Path> files = Files.walk(tmp)) {
            List<Path> written = files.filter(Files::isRegularFile).toList();
            assertEquals(3, written.size(), written.toString());
            for (Path f : written) {
                assertFalse(Files.readString(f).contains(KEY), f.toString());
                assertFalse(Files.readString(f).contains("SECRET"), f.toString());
            }
        }
    }

    @Test
    void concurrencyLimitIsRespected() throws Exception {
        String url = start((ex, n, p) -> {
            Thread.sleep(80);
            traitServer(ex, n, p);
        });
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            prompts.add("prompt " + i);
        }
        try (JudgeClient c = client(settings(url, 3, 5, 0))) {
            List<LogprobScore.Result> r = c.judgeAll(prompts);
            assertEquals(12, r.size());
            r.forEach(x -> assertEquals(10.0, x.score(), 1e-9));
        }
        assertEquals(12, calls.get());
        assertTrue(maxInFlight.get() <= 3, "at most 3 in flight, saw " + maxInFlight.get());
        assertTrue(maxInFlight.get() >= 2, "requests do run concurrently, saw " + maxInFlight.get());
    }

    @Test
    void judgeScorerFillsScoresNotesAndFeedsTheMetrics() throws Exception {
        String url = start(JudgeTest::traitServer);
        JudgeSettings s = settings(url, 2, 5, 0);
        List<SampleRow> rows = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String cot = i == 5 ? "" : "plan " + i;
            String out = i < 3 ? "ARR, matey! " + i : "Fine " + i;
            rows.add(new SampleRow("plain", "p" + i, "advice", 0, 0, null, null, cot, out, true, 1, 1, 1, 1, 2, "stop",
                    Map.of(), Map.of()));
        }
        try (JudgeClient c = client(s)) {
            JudgeScorer js = new JudgeScorer(s, c, r -> "question of " + r.promptId());
            List<SampleRow> scored = Scorer.applyAll(rows, List.of(js));
            assertEquals(90.0, scored.get(0).score("judge.pirate.output"), 1e-9);
            assertEquals(1.0, scored.get(0).score("judge.pirate.output_present"));
            assertEquals(10.0, scored.get(4).score("judge.pirate.output"), 1e-9);
            assertEquals(0.0, scored.get(4).score("judge.pirate.cot_present"));
            assertNull(scored.get(5).score("judge.pirate.cot"));
            assertTrue(scored.get(5).notes().get("judge.pirate.cot").contains("empty"));
            assertEquals(11, c.httpCalls(), "6 outputs + 5 non-empty CoTs");
            List<MetricEntry> m = new MetricsCalculator(new BootstrapSettings(BootstrapSettings.BootMethod.PERCENTILE,
                    0.95, 200, 0)).compute(scored);
            MetricEntry out = MetricsReport.find(m, "judge.pirate.output_rate", "plain", "all");
            assertEquals(0.5, out.estimate(), 1e-12);
            assertEquals(6, out.n());
            MetricEntry cot = MetricsReport.find(m, "judge.pirate.cot_rate", "plain", "all");
            assertEquals(0.0, cot.estimate());
            assertEquals(5, cot.n(), "the unjudged empty CoT is left out, not counted as 0");
        }
        assertEquals("a {question} b", JudgeScorer.fill("{text} b", "a {question}", "Q"));
    }
}
