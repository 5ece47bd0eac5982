package org.charlab.view;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Test-only: a headless Chromium driven over the DevTools protocol (a WebSocket, java.net.http), so a
 * test can load a page, let its scripts run in real time and read the DOM: {@link #navigate},
 * {@link #eval}, {@link #await}.
 */
final class HeadlessChromium implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/chromium");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path profile;
    private final WebSocket ws;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    HeadlessChromium(Path workDir) throws Exception {
        // the profile lives outside the test's @TempDir: Chromium's helper processes may still write into it
        // for a moment after the browser exits, and JUnit then fails to delete the test's directory
        profile = Files.createTempDirectory("charlab-chrome");
        process = new ProcessBuilder(BINARY.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--remote-debugging-port=0", "--remote-allow-origins=*", "--user-data-dir=" + profile, "about:blank")
                .redirectErrorStream(true).redirectOutput(workDir.resolve("chromium.log").toFile()).start();
        Path portFile = profile.resolve("DevToolsActivePort");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!(Files.isRegularFile(portFile) && Files.readAllLines(portFile).size() >= 2)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new IllegalStateException("Chromium did not open its DevTools port: see " + workDir.resolve("chromium.log"));
            }
            Thread.sleep(100);
        }
        int port = Integer.parseInt(Files.readAllLines(portFile).get(0).strip());
        HttpClient http = HttpClient.newHttpClient();
        String list = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/json/list")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        String wsUrl = null;
        for (JsonNode t : JSON.readTree(list)) {
            if ("page".equals(t.path("type").asText())) {
                wsUrl = t.path("webSocketDebuggerUrl").asText();
            }
        }
        if (wsUrl == null) {
            close();
            throw new IllegalStateException("no page target in " + list);
        }
        ws = http.newWebSocketBuilder().buildAsync(URI.create(wsUrl), new WebSocket.Listener() {
            private final StringBuilder buf = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                buf.append(data);
                if (last) {
                    try {
                        JsonNode n = JSON.readTree(buf.toString());
                        CompletableFuture<JsonNode> f = n.has("id") ? pending.remove(n.get("id").asInt()) : null;
                        if (f != null) {
                            f.complete(n);
                        }
                    } catch (Exception e) {
                        // an event we do not follow
                    }
                    buf.setLength(0);
                }
                w.request(1);
                return null;
            }
        }).get(30, TimeUnit.SECONDS);
    }

    private JsonNode call(String method, Map<String, Object> params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        ws.sendText(JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true).get();
        JsonNode r = f.get(30, TimeUnit.SECONDS);
        if (r.has("error")) {
            throw new IllegalStateException(method + ": " + r.get("error"));
        }
        return r.get("result");
    }

    void navigate(String url) throws Exception {
        call("Page.navigate", Map.of("url", url));
    }

    /** The value of a JavaScript expression in the page (null while it throws, e.g. during navigation). */
    String eval(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", Map.of("expression", expression, "returnByValue", true));
        JsonNode v = r.path("result").path("value");
        return r.has("exceptionDetails") || v.isMissingNode() || v.isNull() ? null : v.asText();
    }

    /** Evaluates until the value satisfies {@code ok} or the time is up; returns the last value. */
    String await(String expression, Predicate<String> ok, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        String v = eval(expression);
        while (!(v != null && ok.test(v)) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            v = eval(expression);
        }
        return v;
    }

    @Override
    public void close() {
        if (ws != null) {
            ws.abort();
        }
        List<ProcessHandle> helpers = process.descendants().toList();
        process.destroy();
        helpers.forEach(ProcessHandle::destroy);
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
            for (ProcessHandle h : helpers) {
                h.onExit().get(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            helpers.forEach(ProcessHandle::destroyForcibly);
        }
        deleteQuietly(profile);
    }

    /** Best effort: a profile file still held open is left to the system's temp cleaning. */
    private static void deleteQuietly(Path dir) {
        try (java.util.stream.Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // left behind
        }
    }
}
