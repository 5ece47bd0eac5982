package org.charlab.view;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.charlab.BadInput;

/**
 * {@code charlab view}: a read-only web viewer over a results directory, served by the JDK's
 * com.sun.net.httpserver on 127.0.0.1 by default. Nothing here opens a file for writing. Routes:
 * <pre>
 * /                                   experiments and sweeps, their run states; tick sweeps to compare
 * /sweep/EXP/SWEEP                    runs and stages (live), training curves so far (polls the next route)
 * /api/status/EXP/SWEEP               that page's data as JSON
 * /run/EXP/SWEEP/RUN                  stages, config.resolved.yaml, overrides.yaml, provenance.json
 * /transcripts/EXP/SWEEP?run&amp;arm&amp;condition&amp;family&amp;detector&amp;hit   samples.jsonl, filtered
 * /compare?path=..&amp;baseline=..        compare's table; /api/compare: compare --format json, equal
 * /file/REL                           a file under the root as text/plain
 * </pre>
 * Request paths go through {@link SafePaths} (never outside the root); everything from disk is
 * HTML-escaped; requests whose Host is not this loopback address and port are refused (a page on
 * another site cannot reach the viewer through DNS rebinding).
 */
public final class ViewServer implements AutoCloseable {

    /** Largest file /file serves. */
    static final long MAX_FILE = 8L << 20;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService pool;
    private final SafePaths paths;
    private final ResultsIndex index;
    private final boolean loopback;

    private ViewServer(Path root, String host, int port) throws IOException {
        if (!Files.isDirectory(root)) {
            throw new BadInput(root + ": not a directory (the results directory to view)");
        }
        this.paths = new SafePaths(root);
        this.index = new ResultsIndex(paths);
        this.loopback = host.equals("127.0.0.1") || host.equals("localhost") || host.equals("::1");
        this.server = HttpServer.create(new InetSocketAddress(host, port), 0);
        this.pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "charlab-view");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
    }

    /** Starts serving {@code root} on host:port (port 0: any free port, see {@link #port()}). */
    public static ViewServer start(Path root, String host, int port) throws IOException {
        ViewServer v = new ViewServer(root, host, port);
        v.server.start();
        return v;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        String h = server.getAddress().getAddress().getHostAddress();
        return "http://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port() + "/";
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            try {
                if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                    send(ex, 405, "text/plain", "read-only viewer: GET only");
                    return;
                }
                if (loopback && !hostAllowed(ex.getRequestHeaders().getFirst("Host"))) {
                    send(ex, 403, "text/plain", "unexpected Host header");
                    return;
                }
                route(ex);
            } catch (SafePaths.Refused e) {
                send(ex, e.status, "text/html", Html.page(e.status == 400 ? "Bad request" : "Not found",
                        "<p>" + Html.esc(e.getMessage()) + "</p>"));
            } catch (BadInput e) {
                send(ex, 400, "text/html", Html.page("Bad request", "<p>" + Html.esc(e.getMessage()) + "</p>"));
            } catch (RuntimeException e) {
                System.err.println("charlab view: " + ex.getRequestURI() + ": " + e);
                send(ex, 500, "text/html", Html.page("Error", "<p>" + Html.esc(e.toString()) + "</p>"));
            }
        }
    }

    private boolean hostAllowed(String host) {
        if (host == null) {
            return true;   // HTTP/1.0 clients
        }
        int p = port();
        return host.equals("127.0.0.1:" + p) || host.equals("localhost:" + p) || host.equals("[::1]:" + p);
    }

    private void route(HttpExchange ex) throws IOException {
        String raw = ex.getRequestURI().getRawPath();
        String path = ex.getRequestURI().getPath();
        String rawQuery = ex.getRequestURI().getRawQuery() == null ? "" : ex.getRequestURI().getRawQuery();
        Map<String, List<String>> q = query(rawQuery);
        if (path.equals("/")) {
            send(ex, 200, "text/html", Pages.index(index));
        } else if (path.equals("/compare")) {
            send(ex, 200, "text/html", ComparePage.html(paths, ComparePage.Query.of(q), rawQuery));
        } else if (path.equals("/api/compare")) {
            send(ex, 200, "application/json", ComparePage.json(paths, ComparePage.Query.of(q)));
        } else if (path.startsWith("/sweep/")) {
            send(ex, 200, "text/html", Pages.sweep(index.sweep(rest(path, raw, "/sweep/"))));
        } else if (path.startsWith("/api/status/")) {
            send(ex, 200, "application/json",
                    JSON.writeValueAsString(Pages.statusJson(index.sweep(rest(path, raw, "/api/status/")))));
        } else if (path.startsWith("/transcripts/")) {
            send(ex, 200, "text/html", TranscriptsPage.html(index.sweep(rest(path, raw, "/transcripts/")), q));
        } else if (path.startsWith("/run/")) {
            String rel = rest(path, raw, "/run/");
            int cut = rel.lastIndexOf('/');
            if (cut < 0) {
                throw new SafePaths.Refused(404, "not a run");
            }
            send(ex, 200, "text/html", Pages.run(index.sweep(rel.substring(0, cut)), rel.substring(cut + 1)));
        } else if (path.startsWith("/file/")) {
            file(ex, paths.resolve(rest(path, raw, "/file/")));
        } else {
            throw new SafePaths.Refused(404, "no such page");
        }
    }

    /** The decoded path after {@code prefix}; refused when the raw path hides a dot segment or a slash in an escape. */
    private static String rest(String path, String raw, String prefix) {
        String lower = raw.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c") || lower.contains("%00")) {
            throw new SafePaths.Refused(400, "bad path");
        }
        return path.substring(prefix.length());
    }

    private void file(HttpExchange ex, Path f) throws IOException {
        if (!Files.isRegularFile(f)) {
            throw new SafePaths.Refused(404, "not a file");
        }
        if (Files.size(f) > MAX_FILE) {
            send(ex, 413, "text/plain", "larger than " + MAX_FILE + " bytes: open it from disk");
            return;
        }
        byte[] body;
        try (InputStream in = Files.newInputStream(f)) {
            body = in.readAllBytes();
        }
        send(ex, 200, "text/plain", body);
    }

    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String kv : raw.split("&")) {
            if (kv.isEmpty()) {
                continue;
            }
            int eq = kv.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        send(ex, status, type, body.getBytes(StandardCharsets.UTF_8));
    }

    private static void send(HttpExchange ex, int status, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
                        + "img-src 'self' data:; form-action 'self'");
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(status, head ? -1 : body.length == 0 ? -1 : body.length);
        if (!head && body.length > 0) {
            try (OutputStream os = ex.getResponseBody()) {
                os.write(body);
            }
        }
    }
}
