package org.charlab.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.data.PromptItem;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.Checkpoint;
import org.charlab.stage.StageContext;

/**
 * Turn 1 of every prefill-attack condition (Open Character Training, character/robustness/prefill/
 * multi_turn.py): another model - a named earlier stage, typically the base - answers each prompt
 * without the condition's system prompt, before the evaluated model is loaded; the evaluated model
 * then answers the follow-up ({@link Conditions#turnTwo}). Each (condition, prompt, sample) gets its
 * own turn 1, sampled with the eval's sampling settings and seed {@link #seed}, so a sample is one
 * draw of the whole two-turn procedure. The models are loaded one after another and closed before
 * the evaluated one is loaded.
 */
final class PrefillAttack {

    /** Turn 1 of (condition, prompt id, sample index). */
    record Key(String condition, String promptId, int sample) {
    }

    private PrefillAttack() {
    }

    /** The seed of turn 1 of a sample: the sample's own seed derivation with "<condition>/turn1" as condition. */
    static long seed(long stageSeed, String condition, String promptId, int index) {
        return Conditions.sampleSeed(stageSeed, condition + "/turn1", promptId, index);
    }

    /** Turn 1 of every sample of every prefill-attack condition, by key; empty when there is none. */
    static Map<Key, PriorTurn> firstTurns(StageContext<EvalConfig> ctx, EvalConfig cfg, List<PromptItem> prompts)
            throws java.io.IOException {
        Map<String, List<Condition>> byRole = new LinkedHashMap<>();
        for (Condition c : cfg.evaluated()) {
            String role = cfg.prefillRole(c);
            if (role != null) {
                byRole.computeIfAbsent(role, r -> new ArrayList<>()).add(c);
            }
        }
        Map<Key, PriorTurn> out = new LinkedHashMap<>();
        SamplingSettings s = cfg.sampling();
        SamplingParams params = new SamplingParams(s.temperature(), s.topP(), s.topK(), s.maxNewTokens(), 0, true,
                cfg.batchSize());
        for (Map.Entry<String, List<Condition>> e : byRole.entrySet()) {
            Path dir = EvalStage.modelDir(ctx.input(e.getKey()));
            Device device = org.charlab.model.Engines.configure(ctx.runtime(), 1, ctx.seed());
            try (NDManager manager = NDManager.newBaseManager(device);
                    Checkpoint.Loaded loaded = Checkpoint.load(dir, manager)) {
                // the model's own recorded format: the eval's chat settings are the evaluated model's
                ChatFormat chat = ChatFormats.forModel(dir, loaded.tokenizer(), null);
                Generator gen = new Generator(loaded.model(), chat);
                for (Condition c : e.getValue()) {
                    ctx.progress().log("prefill attack '" + c.name() + "': turn 1 by " + c.prefillModel().name());
                    List<Generator.Request> reqs = new ArrayList<>();
                    List<Key> keys = new ArrayList<>();
                    for (PromptItem p : prompts) {
                        int[] ids = chat.prompt(p.messages(), ChatFormat.Prefill.none()).ids();
                        for (int i = 0; i < cfg.samplesPerPrompt(); i++) {
                            reqs.add(new Generator.Request(ids, chat.prefillText(ChatFormat.Prefill.none()),
                                    seed(ctx.seed(), c.name(), p.id(), i)));
                            keys.add(new Key(c.name(), p.id(), i));
                        }
                    }
                    for (int from = 0; from < reqs.size(); from += cfg.batchSize()) {
                        int to = Math.min(reqs.size(), from + cfg.batchSize());
                        List<Sample> samples = gen.generateRequests(reqs.subList(from, to), params);
                        for (int j = 0; j < samples.size(); j++) {
                            Sample t1 = samples.get(j);
                            out.put(keys.get(from + j), new PriorTurn(c.prefillModel().name(), t1.cot(), t1.output(),
                                    null));
                        }
                    }
                }
            }
        }
        return out;
    }
}
