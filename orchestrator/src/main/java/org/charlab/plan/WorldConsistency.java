package org.charlab.plan;

import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.world.WorldMatch;

/**
 * The plan-time form of the eval stage's world check (EvalStage.checkWorld), so a mismatch is
 * refused by {@code validate}/{@code plan} instead of after the pretrain it depends on. A stage
 * whose resolved config names a charworld ({@code world}) and scores charworld's own items (no
 * {@code prompts.file}) must agree, on {@link WorldMatch#SPLIT_FIELDS}, with the nearest stage up
 * its input chain that names a world - the pretrain whose corpus the model learnt; sft, dpo and
 * opd in between carry their input's world. A chain that ends without one (a user's checkpoint)
 * is not checked, as at run time.
 */
final class WorldConsistency {

    private WorldConsistency() {
    }

    /** Throws BadInput (one line, {@code source} first) on the first stage in another world than its model. */
    static void check(String source, Map<String, StagePlan> stages) {
        for (StagePlan sp : stages.values()) {
            Map<String, ?> world = map(sp.config().get("world"));
            Map<String, ?> prompts = map(sp.config().get("prompts"));
            if (world == null || (prompts != null && prompts.get("file") != null)) {
                continue;
            }
            for (String k = sp.deps().get("input"); k != null; k = stages.get(k).deps().get("input")) {
                StagePlan up = stages.get(k);
                Map<String, ?> trained = map(up.config().get("world"));
                if (trained == null) {
                    continue;
                }
                List<String> diffs = WorldMatch.differences(world, trained, up.name());
                if (!diffs.isEmpty()) {
                    throw new BadInput(source + ": stages." + sp.name() + ".world differs from the world stages."
                            + up.name() + " trains its model in: " + String.join(", ", diffs) + "; set stages."
                            + sp.name() + ".world to match (held-out items would otherwise include training items)");
                }
                break;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, ?> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, ?>) m : null;
    }
}
