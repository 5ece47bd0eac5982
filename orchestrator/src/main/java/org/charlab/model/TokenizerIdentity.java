package org.charlab.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.charlab.BadInput;

/**
 * Which tokenizer a model speaks, as a SHA-256 fingerprint: of the canonical tokenizer.json (its
 * JSON re-serialised compactly with object keys sorted, so formatting and key order do not count
 * while the vocabulary, merges and added tokens do) for an HF tokenizer, of the fixed byte
 * vocabulary for the byte tokenizer, followed by the ids of the chat format's special tokens.
 *
 * <p>Why: a DPO reference or an OPD teacher scores the policy's token ids with its own embedding
 * table. Two charworld bases each learn their own BPE, so their vocabularies can have the same
 * size while every id means something else; an equal vocab_size would then pass and the KL or log
 * ratio would compare unrelated tokens, silently.
 */
public final class TokenizerIdentity {

    private static final ObjectMapper CANONICAL = new ObjectMapper()
            .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

    private TokenizerIdentity() {
    }

    /** The hex SHA-256 fingerprint of {@code tok}. */
    public static String of(Tokenizer tok) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            if (tok instanceof HfTokenizer hf) {
                Object json = CANONICAL.readValue(hf.file().toFile(), Object.class);
                md.update("hf\n".getBytes(StandardCharsets.UTF_8));
                md.update(CANONICAL.writeValueAsBytes(json));
            } else if (tok instanceof ByteTokenizer) {
                md.update(("byte " + ByteTokenizer.VOCAB_SIZE + "\n").getBytes(StandardCharsets.UTF_8));
            } else {
                md.update(tok.describe().getBytes(StandardCharsets.UTF_8));
            }
            StringBuilder specials = new StringBuilder("\n");
            for (String s : ByteTokenizer.SPECIALS) {
                int id;
                try {
                    id = tok.specialId(s);
                } catch (RuntimeException absent) {
                    id = -1;
                }
                specials.append(s).append('=').append(id).append('\n');
            }
            md.update(specials.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tokenizer " + tok.describe(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Refuses (BadInput, one line) a {@code role} model (reference, teacher) whose tokenizer is not
     * the policy's: both directories, both fingerprints shortened to 12 hex digits.
     */
    public static void requireSame(String role, Path policyDir, Tokenizer policy, Path otherDir, Tokenizer other) {
        String a = of(policy);
        String b = of(other);
        if (!a.equals(b)) {
            throw new BadInput("the " + role + " " + otherDir + " has another tokenizer (" + b.substring(0, 12)
                    + ") than the policy " + policyDir + " (" + a.substring(0, 12) + "): its token ids would mean "
                    + "other text; use a " + role + " trained from the same base");
        }
    }
}
