package org.charlab.eval.judge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.charlab.stage.Progress;

/**
 * A client for an OpenAI-compatible {@code POST <base_url>/chat/completions} that asks for one
 * token with the top-20 logprobs and turns them into a {@link LogprobScore}. Timeouts, connection
 * errors, HTTP 429 and 5xx are retried with exponential backoff (Retry-After honoured); other
 * failures and malformed replies give no score with a reason, never an exception. At most
 * {@code concurrency} requests are in flight. Replies are cached on disk by request, so a second
 * evaluation of the same texts sends nothing.
 *
 * <p>The API key is held in memory only and sent as {@code Authorization: Bearer}; no message this
 * class logs or returns contains it.
 */
public final class JudgeClient implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();

    private final JudgeSettings settings;
    private final String apiKey;
    private final JudgeCache cache;
    private final Progress log;
    private final URI endpoint;
    private final HttpClient http;
    private final ExecutorService pool;
    private final AtomicInteger httpCalls = new AtomicInteger();

    public JudgeClient(JudgeSettings settings, String apiKey, JudgeCache cache, Progress log) {
        this.settings = settings;
        this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
        this.cache = cache;
        this.log = log;
        String base = settings.baseUrl().endsWith("/") ? settings.baseUrl().substring(0, settings.baseUrl().length() - 1)
                : settings.baseUrl();
        this.endpoint = URI.create(base + "/chat/completions");
        this.http = HttpClient.newBuilder().connectTimeout(timeout()).version(HttpClient.Version.HTTP_1_1).build();
        this.pool = Executors.newFixedThreadPool(settings.concurrency(), r -> {
            Thread t = new Thread(r, "judge");
            t.setDaemon(true);
            return t;
        });
    }

    /** HTTP requests sent so far (cache hits send none). */
    public int httpCalls() {
        return httpCalls.get();
    }

    private Duration timeout() {
        return Duration.ofMillis(Math.max(1, Math.round(settings.timeoutS() * 1000)));
    }

    /** The JSON body of the request for one judge prompt (deterministic: it is the cache key). */
    public String requestBody(String prompt) {
        ObjectNode o = JSON.createObjectNode();
        o.put("model", settings.model());
        ObjectNode m = o.putArray("messages").addObject();
        m.put("role", "user");
        m.put("content", prompt);
        o.put("max_tokens", 1);
        o.put("temperature", 0);
        o.put("logprobs", true);
        o.put("top_logprobs", 20);
        o.put("seed", 0);
        try {
            return JSON.writeValueAsString(o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Scores many prompts, at most {@code concurrency} in flight; results in order. */
    public List<LogprobScore.Result> judgeAll(List<String> prompts) {
        List<Future<LogprobScore.Result>> fs = new ArrayList<>();
        for (String p : prompts) {
            fs.add(pool.submit(() -> judge(p)));
        }
        List<LogprobScore.Result> out = new ArrayList<>();
        for (Future<LogprobScore.Result> f : fs) {
            try {
                out.add(f.get());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while judging", e);
            } catch (ExecutionException e) {
                out.add(new LogprobScore.Result(null, 0, "judge error: " + e.getCause()));
            }
        }
        return out;
    }

    /** Scores one prompt: from the cache, else over HTTP with retries. Never throws for server trouble. */
    public LogprobScore.Result judge(String prompt) throws InterruptedException {
        String body = requestBody(prompt);
        String key = JudgeCache.key(endpoint.toString(), body);
        String cached = cache == null ? null : cache.get(key);
        if (cached != null) {
            Parsed p = parse(cached);
            if (p.result != null) {
                return p.result;
            }
        }
        String failure = null;
        String retryAfter = null;
        for (int attempt = 0; attempt <= settings.maxRetries(); attempt++) {
            if (attempt > 0) {
                Thread.sleep(backoffMs(attempt, failure, retryAfter));
                retryAfter = null;
            }
            HttpRequest.Builder rb = HttpRequest.newBuilder(endpoint).timeout(timeout())
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body));
            if (apiKey != null) {
                rb.header("Authorization", "Bearer " + apiKey);
            }
            HttpResponse<String> resp;
            try {
                httpCalls.incrementAndGet();
                resp = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                failure = "timeout after " + settings.timeoutS() + " s";
                continue;
            } catch (IOException e) {
                failure = "connection error: " + e.getClass().getSimpleName();
                continue;
            }
            int code = resp.statusCode();
            if (code == 429 || code >= 500) {
                failure = "HTTP " + code;
                retryAfter = resp.headers().firstValue("Retry-After").orElse(null);
                continue;
            }
            if (code != 200) {
                return fail("HTTP " + code + " (not retried)");
            }
            Parsed p = parse(resp.body());
            if (p.result != null && p.cacheable && cache != null) {
                cache.put(key, body, resp.body());
            }
            return p.result;
        }
        return fail(failure + "; gave up after " + (settings.maxRetries() + 1) + " attempts");
    }

    /** backoff_s * 2^(attempt-1), or the server's Retry-After (seconds, at most 120) when longer. */
    private long backoffMs(int attempt, String failure, String ra) {
        long ms = Math.round(settings.backoffS() * 1000 * Math.pow(2, attempt - 1));
        if (ra != null && failure != null && failure.startsWith("HTTP 429")) {
            try {
                ms = Math.max(ms, Math.min(120_000, Math.round(Double.parseDouble(ra.trim()) * 1000)));
            } catch (NumberFormatException e) {
                // an HTTP date: keep the exponential backoff
            }
        }
        return ms;
    }

    private LogprobScore.Result fail(String reason) {
        if (log != null) {
            log.log("judge: no score: " + reason);
        }
        return new LogprobScore.Result(null, 0, reason);
    }

    private record Parsed(LogprobScore.Result result, boolean cacheable) {
    }

    /** Reads choices[0].logprobs.content[0].top_logprobs; a reply without them has no score. */
    private Parsed parse(String body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException e) {
            return new Parsed(fail("malformed reply: not JSON"), false);
        }
        if (root == null) {
            return new Parsed(fail("malformed reply: empty body"), false);
        }
        JsonNode top = root.path("choices").path(0).path("logprobs").path("content").path(0).path("top_logprobs");
        if (!top.isArray()) {
            return new Parsed(fail("malformed reply: no choices[0].logprobs.content[0].top_logprobs (does the "
                    + "endpoint support logprobs?)"), false);
        }
        List<LogprobScore.TopLogprob> list = new ArrayList<>();
        for (JsonNode t : top) {
            if (!t.path("token").isTextual() || !t.path("logprob").isNumber()) {
                return new Parsed(fail("malformed reply: a top_logprobs entry lacks token or logprob"), false);
            }
            list.add(new LogprobScore.TopLogprob(t.path("token").asText(), t.path("logprob").asDouble()));
        }
        return new Parsed(LogprobScore.score(list, settings.minNumberMass()), true);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
