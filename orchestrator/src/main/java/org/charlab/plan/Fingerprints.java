package org.charlab.plan;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** SHA-256 fingerprints of data files and checkpoint directories, memoised per (path, size, mtime). */
public final class Fingerprints {

    private static final Map<String, String> MEMO = new ConcurrentHashMap<>();

    private Fingerprints() {
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    public static String sha256(String text) {
        return sha256(text.getBytes(StandardCharsets.UTF_8));
    }

    /** A file's SHA-256; a directory's is the SHA-256 over its sorted relative paths and file hashes. */
    public static String of(Path path) {
        try {
            String memoKey = path.toAbsolutePath() + "|" + Files.size(path) + "|" + Files.getLastModifiedTime(path);
            if (Files.isDirectory(path)) {
                return dir(path);
            }
            return MEMO.computeIfAbsent(memoKey, k -> file(path));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String file(Path path) {
        MessageDigest md = digest();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(path)) {
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String dir(Path root) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(root)) {
            files = s.filter(Files::isRegularFile).sorted().toList();
        }
        StringBuilder sb = new StringBuilder();
        for (Path f : files) {
            sb.append(root.relativize(f).toString().replace('\\', '/')).append('\t').append(of(f)).append('\n');
        }
        return sha256(sb.toString());
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
