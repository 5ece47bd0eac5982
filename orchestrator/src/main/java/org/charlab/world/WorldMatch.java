package org.charlab.world;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.config.ConfigWriter;

/**
 * Whether two charworld settings hold the same items: the fields that decide the knowledge base
 * and which arithmetic, lookup, comparison and advice items are train or test. The corpus size,
 * seed and mixture do not (they sample from the same train split), so they may differ.
 */
public final class WorldMatch {

    /** The world settings that decide charworld's train/test items. */
    public static final List<String> SPLIT_FIELDS = List.of("kb_entities", "test_share", "arithmetic_max", "ood_family");

    private WorldMatch() {
    }

    /**
     * "kb_entities 60 (label: 40)" for each split field whose value in {@code mine} differs from
     * {@code recorded} (a world as written into a checkpoint's charlab.json: plain JSON values);
     * a field {@code recorded} lacks is not compared.
     */
    public static List<String> differences(WorldConfig mine, Map<String, ?> recorded, String label) {
        @SuppressWarnings("unchecked")
        Map<String, Object> plain = (Map<String, Object>) ConfigWriter.toPlain(mine);
        return differences(plain, recorded, label);
    }

    /** As above, with both worlds as plain maps (a resolved config's "world"). */
    public static List<String> differences(Map<String, ?> plain, Map<String, ?> recorded, String label) {
        List<String> out = new ArrayList<>();
        for (String f : SPLIT_FIELDS) {
            if (recorded.containsKey(f) && !String.valueOf(recorded.get(f)).equals(String.valueOf(plain.get(f)))) {
                out.add(f + " " + plain.get(f) + " (" + label + ": " + recorded.get(f) + ")");
            }
        }
        return out;
    }
}
