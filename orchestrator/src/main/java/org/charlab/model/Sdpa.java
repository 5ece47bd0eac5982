package org.charlab.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * PyTorch's fused scaled-dot-product attention, {@code torch.nn.functional.scaled_dot_product_attention}
 * (Vaswani et al. 2017, eq. 1: softmax(q k^T + mask) v, with the scale already folded into q), which
 * DJL's JNI does not expose: reached through a TorchScript module holding nothing but the call. The
 * module is written here as a TorchScript archive (a zip of its source, an empty-module pickle and
 * the format version, as {@code torch.jit.save} writes them) and loaded once per device. On CPU the
 * fused kernel (flash attention) never materialises the [B, H, T, S] scores and its backward pass is
 * one op, not a softmax backward and two batched matmuls; on CUDA it picks the memory-efficient kernel.
 *
 * <p>Calls run the module with autograd as the calling thread has it (DJL's training-mode call,
 * without its no-grad guard) and with the graph executor's optimiser off for the thread, so each
 * call is the one op, never a profiled or re-specialised graph.
 */
public final class Sdpa {

    /** The module's source as {@code torch.jit.save} prints it (code/__torch__.py). */
    static final String SOURCE = """
            class Sdpa(Module):
              __parameters__ = []
              __buffers__ = []
              training : bool
              _is_full_backward_hook : Optional[bool]
              def forward(self: __torch__.Sdpa,
                q: Tensor,
                k: Tensor,
                v: Tensor,
                mask: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, mask, 0., False, scale=1.)
              def unmasked(self: __torch__.Sdpa,
                q: Tensor,
                k: Tensor,
                v: Tensor) -> Tensor:
                return torch.scaled_dot_product_attention(q, k, v, None, 0., False, scale=1.)
            """;

    private static final Map<Device, PtSymbolBlock> MODULES = new ConcurrentHashMap<>();

    private Sdpa() {
    }

    /**
     * softmax(q k^T + mask) v for q [B, H, Tq, hd] (scale folded in), k and v [B, H, S, hd] and an
     * additive mask broadcastable to [B, H, Tq, S] (null: none); returns [B, H, Tq, hd] in q's manager.
     */
    public static NDArray attend(NDArray q, NDArray k, NDArray v, NDArray mask) {
        NDList in = mask == null ? new NDList(q, k, v) : new NDList(q, k, v, mask);
        if (mask == null) {
            NDArray method = q.getManager().create(0f);
            method.setName("module_method:unmasked"); // DJL's convention for naming the method to run
            in.add(method);
        }
        JniUtils.setGraphExecutorOptimize(false);
        return module(q.getDevice()).forward(new ParameterStore(q.getManager(), false), in, true).singletonOrThrow();
    }

    private static PtSymbolBlock module(Device device) {
        return MODULES.computeIfAbsent(device, d -> {
            // lives as long as the process: the module holds no tensors, only its compiled code
            PtNDManager owner = (PtNDManager) NDManager.newBaseManager(d);
            try {
                return JniUtils.loadModule(owner, new ByteArrayInputStream(archive()), false, true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** The TorchScript archive, prefixed by its length (DJL's stream loader reads that first). */
    static byte[] archive() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            stored(z, "sdpa/version", "3\n".getBytes(StandardCharsets.US_ASCII));
            stored(z, "sdpa/data.pkl", emptyModulePickle("__torch__", "Sdpa"));
            stored(z, "sdpa/code/__torch__.py", SOURCE.getBytes(StandardCharsets.UTF_8));
            stored(z, "sdpa/constants.pkl", new byte[] {(byte) 0x80, 2, ')', '.'}); // an empty tuple
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
