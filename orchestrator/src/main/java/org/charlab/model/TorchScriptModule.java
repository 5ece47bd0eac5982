package org.charlab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * A TorchScript module that holds no tensors, only code, written as the archive {@code torch.jit.save}
 * writes (a zip of its source, an empty-module pickle and the format version) and loaded once per
 * device for the life of the process. How charlab reaches PyTorch functions DJL's JNI lacks
 * ({@link Sdpa}) and runs a whole decode step in one call ({@link DecodeStep}). No Java library writes
 * TorchScript, and the pickle is a fixed 13-opcode object, so the archive is written here.
 */
final class TorchScriptModule {

    private static final Map<List<Object>, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();

    private TorchScriptModule() {
    }

    /**
     * The module {@code __torch__.<name>} with {@code methods} (indented two spaces, as torch.jit.save
     * prints them) as its code, loaded on {@code device}.
     */
    static PtSymbolBlock load(String name, String methods, Device device) {
        String source = "class " + name + "(Module):\n"
                + "  __parameters__ = []\n"
                + "  __buffers__ = []\n"
                + "  training : bool\n"
                + "  _is_full_backward_hook : Optional[bool]\n"
                + methods;
        return MODULES.computeIfAbsent(List.of(name, source, device), k -> {
            PtNDManager owner = (PtNDManager) NDManager.newBaseManager(device);
            try {
                return JniUtils.loadModule(owner, new ByteArrayInputStream(archive(name, source)), false, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The TorchScript archive of a module {@code __torch__.<name>} whose code/__torch__.py is
     * {@code source}, prefixed by its length (DJL's stream loader reads that first).
     */
    static byte[] archive(String name, String source) throws IOException {
        String dir = name.toLowerCase(java.util.Locale.ROOT);
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            stored(z, dir + "/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(z, dir + "/data.pkl", emptyModulePickle("__torch__", name));
            stored(z, dir + "/code/__torch__.py", source.getBytes(StandardCharsets.UTF_8));
            stored(z, dir + "/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
        }
        byte[] bytes = zip.toByteArray();
        return ByteBuffer.allocate(8 + bytes.length).putLong(bytes.length).put(bytes).array();
    }

    /**
     * Pickle (protocol 2) of a module object with no parameters: {@code module.name()} built with the
     * state {training: True, _is_full_backward_hook: None}, opcode by opcode as torch.jit.save writes it.
     */
    static byte[] emptyModulePickle(String module, String name) {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x80); // PROTO 2
        p.write(2);
        p.writeBytes(("c" + module + "\n" + name + "\n").getBytes(StandardCharsets.US_ASCII)); // GLOBAL
        p.write('q'); // BINPUT 0
        p.write(0);
        p.write(')'); // EMPTY_TUPLE
        p.write(0x81); // NEWOBJ
        p.write('}'); // EMPTY_DICT
        p.write('('); // MARK
        unicode(p, "training");
        p.write('q'); // BINPUT 1
        p.write(1);
        p.write(0x88); // NEWTRUE
        unicode(p, "_is_full_backward_hook");
        p.write('q'); // BINPUT 2
        p.write(2);
        p.write('N'); // NONE
        p.write('u'); // SETITEMS
        p.write('b'); // BUILD
        p.write('q'); // BINPUT 3
        p.write(3);
        p.write('.'); // STOP
        return p.toByteArray();
    }

    /** BINUNICODE: 'X', a little-endian 4-byte length, the UTF-8 bytes. */
    private static void unicode(ByteArrayOutputStream p, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        p.write('X');
        p.writeBytes(ByteBuffer.allocate(4).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        p.writeBytes(b);
    }

    /** An uncompressed entry (PyTorch reads archives of stored records). */
    private static void stored(ZipOutputStream z, String name, byte[] data) throws IOException {
        ZipEntry e = new ZipEntry(name);
        e.setMethod(ZipEntry.STORED);
        e.setSize(data.length);
        CRC32 crc = new CRC32();
        crc.update(data);
        e.setCrc(crc.getValue());
        z.putNextEntry(e);
        z.write(data);
        z.closeEntry();
    }
}
