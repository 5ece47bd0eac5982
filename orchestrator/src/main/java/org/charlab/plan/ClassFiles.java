package org.charlab.plan;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads what {@link CodeFingerprint} needs from a class file (JVMS 17, chapter 4.1-4.7): the classes
 * it names, and a hash of its bytes without the debug attributes that change when only comments or
 * local variable names do.
 *
 * <p>The names come from the constant pool: every {@code CONSTANT_Class} entry (what the code
 * instantiates, calls, casts to, and its nested classes) and every {@code Lpkg/Name;} inside a
 * {@code CONSTANT_Utf8} (field and method descriptors, generic signatures, annotation types), so a
 * record component whose type no code touches still counts. Hand-written (about 100 lines) rather
 * than ASM: the format is stable, we need two facts, and a bytecode library would be a new
 * dependency for that.
 */
final class ClassFiles {

    /** What one class file says: the classes it names (binary names, dotted) and its normalised hash. */
    record Parsed(Set<String> references, String sha256) {
    }

    private static final Pattern DESCRIPTOR_CLASS = Pattern.compile("L([A-Za-z_$][\\w$/]*)[;<]");
    private static final Set<String> DEBUG_ATTRIBUTES = Set.of("LineNumberTable", "LocalVariableTable",
            "LocalVariableTypeTable");

    private ClassFiles() {
    }

    static Parsed parse(byte[] bytes) {
        try {
            return new Reader(bytes).read();
        } catch (IOException e) {
            throw new UncheckedIOException("not a class file", e);
        }
    }

    /** One pass over the file, hashing every byte except the bodies of debug attributes inside Code. */
    private static final class Reader {
        private final byte[] bytes;
        private final ByteArrayInputStream raw;
        private final DataInputStream in;
        private final MessageDigest md;
        private int hashedUpTo;
        private String[] utf8;

        Reader(byte[] bytes) {
            this.bytes = bytes;
            this.raw = new ByteArrayInputStream(bytes);
            this.in = new DataInputStream(raw);
            try {
                this.md = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        Parsed read() throws IOException {
            if (in.readInt() != 0xCAFEBABE) {
                throw new IOException("bad magic number");
            }
            in.readUnsignedShort();
            in.readUnsignedShort();
            int count = in.readUnsignedShort();
            utf8 = new String[count];
            int[] classNames = new int[count];
            int nClasses = 0;
            for (int i = 1; i < count; i++) {
                int tag = in.readUnsignedByte();
                switch (tag) {
                    case 1 -> utf8[i] = in.readUTF();
                    case 7 -> classNames[nClasses++] = in.readUnsignedShort();
                    case 8, 16, 19, 20 -> in.skipNBytes(2);
                    case 15 -> in.skipNBytes(3);
                    case 3, 4, 9, 10, 11, 12, 17, 18 -> in.skipNBytes(4);
                    case 5, 6 -> {
                        in.skipNBytes(8);
                        i++;
                    }
                    default -> throw new IOException("unknown constant pool tag " + tag + " at entry " + i);
                }
            }
            Set<String> refs = new TreeSet<>();
            for (int k = 0; k < nClasses; k++) {
                String name = utf8[classNames[k]];
                if (name != null && !name.startsWith("[")) {
                    refs.add(name.replace('/', '.'));
                }
            }
            for (String s : utf8) {
                if (s != null && s.indexOf('L') >= 0) {
                    Matcher m = DESCRIPTOR_CLASS.matcher(s);
                    while (m.find()) {
                        refs.add(m.group(1).replace('/', '.'));
                    }
                }
            }
            in.skipNBytes(6);
            in.skipNBytes(2L * in.readUnsignedShort());
            for (int members = 0; members < 2; members++) {
                int n = in.readUnsignedShort();
                for (int i = 0; i < n; i++) {
                    in.skipNBytes(6);
                    attributes();
                }
            }
            attributes();
            md.update(bytes, hashedUpTo, bytes.length - hashedUpTo);
            return new Parsed(refs, HexFormat.of().formatHex(md.digest()));
        }

        private void attributes() throws IOException {
            int n = in.readUnsignedShort();
            for (int i = 0; i < n; i++) {
                int start = position();
                String name = utf8[in.readUnsignedShort()];
                int length = in.readInt();
                if ("Code".equals(name)) {
                    leaveOut(start + 2, 4); // its length counts the debug attributes inside
                    in.skipNBytes(4);
                    in.skipNBytes(in.readInt());
                    in.skipNBytes(8L * in.readUnsignedShort());
                    leaveOut(position(), 2); // and so does their number
                    attributes();
                } else if (DEBUG_ATTRIBUTES.contains(name)) {
                    leaveOut(start, 6 + length);
                    in.skipNBytes(length);
                } else {
                    in.skipNBytes(length);
                }
            }
        }

        private int position() {
            return bytes.length - raw.available();
        }

        /** Hashes everything before {@code start} not hashed yet, then skips {@code length} bytes. */
        private void leaveOut(int start, int length) {
            md.update(bytes, hashedUpTo, start - hashedUpTo);
            hashedUpTo = start + length;
        }
    }
}
