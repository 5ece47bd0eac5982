package org.charlab.eval.judge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * On-disk cache of judge replies, one file per distinct request: {@code <dir>/<ab>/<sha256>.json}
 * holding the request body and the reply body. The key is the SHA-256 of the endpoint URL and the
 * request body, which hold no credentials (the API key travels only in a header and is never
 * written). Written atomically, so concurrent writers and crashes leave whole files.
 */
public final class JudgeCache {

    private final Path dir;

    public JudgeCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    public static String key(String url, String requestBody) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(url.getBytes(StandardCharsets.UTF_8));
            d.update((byte) 0);
            d.update(requestBody.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path file(String key) {
        return dir.resolve(key.substring(0, 2)).resolve(key + ".json");
    }

    /** The cached reply body, or null. */
    public String get(String key) {
        Path f = file(key);
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try {
            var node = JudgeClient.JSON.readTree(f.toFile());
            return node.path("response").isTextual() ? node.path("response").asText() : null;
        } catch (IOException e) {
            return null; // a damaged entry is a miss
        }
    }

    public void put(String key, String requestBody, String responseBody) {
        Path f = file(key);
        try {
            Files.createDirectories(f.getParent());
            var node = JudgeClient.JSON.createObjectNode();
            node.put("request", requestBody);
            node.put("response", responseBody);
            Path tmp = Files.createTempFile(f.getParent(), key, ".tmp");
            Files.writeString(tmp, JudgeClient.JSON.writeValueAsString(node));
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write judge cache " + f + ": " + e.getMessage(), e);
        }
    }
}
