package org.charlab.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.charlab.BadInput;

/**
 * The safetensors format (8-byte little-endian header length, a JSON header of
 * {@code name -> {dtype, shape, data_offsets}}, then raw little-endian data). Reading maps the file
 * and copies one tensor at a time (no 2 GiB limit, no whole-file byte[]); F16 and BF16 are widened
 * to F32 in Java because DJL's PyTorch engine aborts the JVM on BF16. Writing emits F32.
 */
public final class SafeTensors {

    private static final ObjectMapper JSON = new ObjectMapper();

    private SafeTensors() {
    }

    /** Every tensor of one file as F32 arrays in {@code manager}, in file order. */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size < 8) {
                throw new BadInput(file + ": not a safetensors file (" + size + " bytes)");
            }
            ByteBuffer lenBuf = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(lenBuf, 0);
            long headerLen = lenBuf.flip().getLong();
            if (headerLen <= 0 || headerLen > Math.min(size - 8, 100_000_000L)) {
                throw new BadInput(file + ": not a safetensors file (header length " + headerLen + ")");
            }
            ByteBuffer hb = ByteBuffer.allocate((int) headerLen);
            ch.read(hb, 8);
            JsonNode header = JSON.readTree(new String(hb.array(), StandardCharsets.UTF_8));
            long dataStart = 8 + headerLen;
            Map<String, NDArray> out = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext();) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                String name = e.getKey();
                JsonNode t = e.getValue();
                String dtype = t.path("dtype").asText();
                JsonNode sh = t.path("shape");
                long[] dims = new long[sh.size()];
                long count = 1;
                for (int i = 0; i < dims.length; i++) {
                    dims[i] = sh.get(i).asLong();
                    count *= dims[i];
                }
                long begin = t.path("data_offsets").path(0).asLong();
                long end = t.path("data_offsets").path(1).asLong();
                int width = switch (dtype) {
                    case "F32" -> 4;
                    case "F16", "BF16" -> 2;
                    default -> throw new BadInput(file + ": tensor " + name + " has dtype " + dtype
                            + "; only F32, F16 and BF16 are supported");
                };
                if (end - begin != count * width || dataStart + end > size) {
                    throw new BadInput(file + ": tensor " + name + " has " + (end - begin) + " bytes for shape "
                            + new Shape(dims) + " " + dtype + " (file truncated or header corrupt)");
                }
                MappedByteBuffer src = ch.map(FileChannel.MapMode.READ_ONLY, dataStart + begin, end - begin);
                src.order(ByteOrder.LITTLE_ENDIAN);
                ByteBuffer dst = ByteBuffer.allocateDirect(Math.toIntExact(count * 4)).order(ByteOrder.nativeOrder());
                switch (dtype) {
                    case "F32" -> dst.asFloatBuffer().put(src.asFloatBuffer());
                    case "BF16" -> {
                        for (long i = 0; i < count; i++) {
                            dst.putInt((src.getShort() & 0xFFFF) << 16);
                        }
                    }
                    default -> {
                        for (long i = 0; i < count; i++) {
                            dst.putFloat(halfToFloat(src.getShort()));
                        }
                    }
                }
                dst.rewind();
                NDArray a = manager.create(dst, new Shape(dims), DataType.FLOAT32);
                a.setName(name);
                out.put(name, a);
            }
            return out;
        } catch (IOException e) {
            throw new BadInput(file + ": cannot read safetensors: " + e.getMessage());
        }
    }

    /** IEEE 754 half precision to float (subnormals, infinities and NaN included). */
    static float halfToFloat(short h) {
        int bits = h & 0xFFFF;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1F;
        int mant = bits & 0x3FF;
        if (exp == 0x1F) {
            return Float.intBitsToFloat(sign | 0x7F800000 | (mant << 13));
        }
        if (exp == 0) {
            float v = mant * 0x1p-24f;
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
    }

    /**
     * Reads a model directory's weights: {@code model.safetensors}, or the shards named by
     * {@code model.safetensors.index.json}.
     */
    public static Map<String, NDArray> readModel(Path dir, NDManager manager) {
        Path single = dir.resolve("model.safetensors");
        if (Files.isRegularFile(single)) {
            return read(single, manager);
        }
        Path index = dir.resolve("model.safetensors.index.json");
        if (!Files.isRegularFile(index)) {
            throw new BadInput(dir + ": no model.safetensors or model.safetensors.index.json");
        }
        JsonNode map;
        try {
            map = JSON.readTree(index.toFile()).path("weight_map");
        } catch (IOException e) {
            throw new BadInput(index + ": cannot read: " + e.getMessage().split("\n")[0]);
        }
        Map<String, NDArray> out = new LinkedHashMap<>();
        java.util.Set<String> shards = new java.util.LinkedHashSet<>();
        map.fields().forEachRemaining(e -> shards.add(e.getValue().asText()));
        for (String shard : shards) {
            out.putAll(read(dir.resolve(shard), manager));
        }
        return out;
    }

    /** Writes F32 tensors (in map order) with optional string metadata. */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode md = header.putObject("__metadata__");
            metadata.forEach(md::put);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> e : tensors.entrySet()) {
            NDArray a = e.getValue();
            if (a.getDataType() != DataType.FLOAT32) {
                throw new IllegalArgumentException(e.getKey() + " is " + a.getDataType() + "; only float32 is written");
            }
            ObjectNode t = header.putObject(e.getKey());
            t.put("dtype", "F32");
            var shape = t.putArray("shape");
            for (long d : a.getShape().getShape()) {
                shape.add(d);
            }
            long bytes = a.getShape().size() * 4;
            t.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] hj = JSON.writeValueAsBytes(header);
        int padded = (hj.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(hj);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (head.hasRemaining()) {
                ch.write(head);
            }
            for (NDArray a : tensors.values()) {
                ByteBuffer data = a.toByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
                if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
                    throw new IllegalStateException("big-endian hosts are not supported");
                }
                while (data.hasRemaining()) {
                    ch.write(data);
                }
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }
}
