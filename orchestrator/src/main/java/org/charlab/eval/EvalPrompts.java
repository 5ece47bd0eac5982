package org.charlab.eval;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.charlab.BadInput;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;
import org.charlab.data.PromptItemJsonl;
import org.charlab.world.Charworld;
import org.charlab.world.EvalSets;
import org.charlab.world.FamilyName;

/** The eval's prompts, and a plan-time bound on how long they get in tokens. Engine-free. */
final class EvalPrompts {

    /**
     * Tokens a chat template may add around the messages of one prompt: role headers and end markers
     * (about 5 per message) and a default system block (Llama 3.1's date lines: about 25).
     */
    static final int TEMPLATE_TOKENS = 256;

    private EvalPrompts() {
    }

    /** The prompt file's items, else charworld's in-distribution then out-of-distribution test sets. */
    static List<PromptItem> of(EvalConfig cfg, Charworld world) {
        List<PromptItem> out;
        if (cfg.prompts().file() != null) {
            out = PromptItemJsonl.read(cfg.prompts().file().path());
        } else {
            out = EvalSets.prompts(List.copyOf(tasks(cfg, world).values()));
        }
        if (out.isEmpty()) {
            throw new BadInput("eval: no prompts (prompts.in_distribution_per_family and prompts.ood_per_family are 0, "
                    + "or the prompt file is empty)");
        }
        return out;
    }

    /** The charworld items behind {@link #of}'s prompts (no prompt file), by prompt id. */
    static java.util.Map<String, org.charlab.world.Task> tasks(EvalConfig cfg, Charworld world) {
        PromptSettings p = cfg.prompts();
        FamilyName ood = world.config().oodFamily();
        List<FamilyName> inDist = world.inDistributionFamilies();
        if (p.perFamily() != null) {
            for (String f : p.perFamily().keySet()) {
                if (!f.equals(ood.label()) && inDist.stream().noneMatch(x -> x.label().equals(f))) {
                    throw new BadInput("eval: prompts.per_family: '" + f + "' is not a family of this world's eval "
                            + "sets; allowed: " + inDist.stream().map(FamilyName::label).toList() + " and " + ood.label());
                }
            }
        }
        java.util.Map<String, org.charlab.world.Task> out = new java.util.LinkedHashMap<>();
        List<org.charlab.world.Task> all = new ArrayList<>(EvalSets.tasks(world, inDist,
                f -> p.count(f.label(), false), p.seed()));
        all.addAll(EvalSets.tasks(world, List.of(ood), f -> p.count(f.label(), true), p.seed()));
        all.forEach(t -> out.put(t.key(), t));
        return out;
    }

    /**
     * At least the tokens of the longest generation prompt, without a tokenizer: the UTF-8 bytes of its
     * messages under each condition (system prompt, suffix) and the CoT prefill - a byte-level BPE, a
     * SentencePiece with byte fallback and the byte tokenizer all spend at least one byte per text
     * token - plus {@link #TEMPLATE_TOKENS}. A template adding more text of its own is undercounted.
     * A prefill-attack condition's prompt also holds the other model's turn 1 (at most max_new_tokens
     * of its tokens: counted as that many, which holds when both models share a tokenizer, as a base
     * and its fine-tunes do) and the follow-up, with {@link #TEMPLATE_TOKENS} more for their headers.
     */
    static long tokenBound(EvalConfig cfg, List<PromptItem> prompts) {
        long longest = 0;
        for (Condition c : cfg.evaluated()) {
            for (PromptItem p : prompts) {
                Conversation conv = Conditions.apply(c, p.messages());
                long bytes = utf8(c.cotPrefill());
                for (Message m : conv.messages()) {
                    bytes += utf8(m.content()) + utf8(m.reasoning());
                }
                if (c.prefillModel() != null) {
                    bytes += cfg.sampling().maxNewTokens() + utf8(c.followUpOrDefault()) + TEMPLATE_TOKENS;
                }
                longest = Math.max(longest, bytes);
            }
        }
        return longest + TEMPLATE_TOKENS;
    }

    /**
     * The longest prompt the other model of a prefill attack completes (turn 1: the bare prompt), as
     * {@link #tokenBound}; 0 when no condition has a prefill attack.
     */
    static long firstTurnBound(EvalConfig cfg, List<PromptItem> prompts) {
        if (cfg.evaluated().stream().noneMatch(c -> c.prefillModel() != null)) {
            return 0;
        }
        long longest = 0;
        for (PromptItem p : prompts) {
            long bytes = 0;
            for (Message m : p.messages().messages()) {
                bytes += utf8(m.content()) + utf8(m.reasoning());
            }
            longest = Math.max(longest, bytes);
        }
        return longest + TEMPLATE_TOKENS;
    }

    private static long utf8(String s) {
        return s == null ? 0 : s.getBytes(StandardCharsets.UTF_8).length;
    }
}
