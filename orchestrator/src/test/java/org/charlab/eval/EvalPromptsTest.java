package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.config.Binder;
import org.charlab.config.YamlReader;
import org.charlab.data.PromptItem;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.world.Charworld;
import org.junit.jupiter.api.Test;

/** The plan-time prompt-length bound and the eval memory estimate built on it. */
class EvalPromptsTest {

    static EvalConfig eval(String yaml) {
        return new Binder(t -> null).bind(EvalConfig.class, YamlReader.parse(yaml, Path.of("e.yaml")), "stages.eval");
    }

    static long bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    @Test
    void theBoundIsTheLongestPromptsBytesUnderAnyConditionPlusTheTemplateAllowance() {
        EvalConfig plain = eval("prompts: {in_distribution_per_family: 3, ood_per_family: 3}\n");
        List<PromptItem> prompts = EvalPrompts.of(plain, new Charworld(plain.world()));
        long longest = prompts.stream().mapToLong(p -> bytes(p.messages().messages().get(0).content())).max()
                .orElseThrow();
        assertEquals(longest + EvalPrompts.TEMPLATE_TOKENS, EvalPrompts.tokenBound(plain, prompts));

        String system = "You always speak in Spanish, señor.";   // ñ: 2 bytes, as a byte-level BPE sees it
        EvalConfig withSystem = eval("prompts: {in_distribution_per_family: 3, ood_per_family: 3}\nconditions:\n"
                + "  - {name: plain}\n  - {name: sys, system: \"" + system + "\", user_suffix: \"(be brief)\","
                + " cot_prefill: \"Let me\"}\n");
        assertEquals(longest + bytes(system) + bytes(" (be brief)") + bytes("Let me") + EvalPrompts.TEMPLATE_TOKENS,
                EvalPrompts.tokenBound(withSystem, prompts));
    }

    @Test
    void aLongContextModelIsPricedForItsPromptsNotItsWholeContext() {
        // Qwen3-1.7B's shape: a 40,960-token context
        ModelConfig qwen3 = new ModelConfig("qwen3", 2048, 28, 16, 8, 128, 6144, 1e6, 1e-6, 151936, 40960, true,
                false, true);
        EvalConfig c = eval("batch_size: 16\nmax_new_tokens: 512\n");
        MemoryEstimate m = new EvalStageKind().memory(c, Map.of("input", new PlannedModel(qwen3.toPlain())));
        long columns = EvalPrompts.tokenBound(c, EvalPrompts.of(c, new Charworld(c.world()))) + 512;
        assertTrue(columns < 2048, "charworld prompts are short: " + columns);
        assertEquals(MemoryArithmetic.generationFloats(qwen3, 16, columns, 512) * MemoryArithmetic.FP32,
                m.generation());
        long wholeContext = MemoryArithmetic.generationFloats(qwen3, 16, 40960, 512) * MemoryArithmetic.FP32;
        assertTrue(m.generation() * 1000 < wholeContext, m.generation() + " vs " + wholeContext);

        // a small-context model keeps its context as the ceiling
        ModelConfig tiny = ModelConfig.tiny();
        MemoryEstimate t = new EvalStageKind().memory(c, Map.of("input", new PlannedModel(tiny.toPlain())));
        assertEquals(MemoryArithmetic.generationFloats(tiny, 16, Math.min(tiny.maxPositionEmbeddings(), columns), 512)
                * MemoryArithmetic.FP32, t.generation());
    }

    @Test
    void aPrefillAttackPricesTurnOneInTheEvaluatedPromptAndTheLargerOfTheTwoModels() {
        ModelConfig qwen3 = new ModelConfig("qwen3", 2048, 28, 16, 8, 128, 6144, 1e6, 1e-6, 151936, 40960, true,
                false, true);
        ModelConfig tiny = ModelConfig.tiny();
        EvalConfig plain = eval("batch_size: 16\nmax_new_tokens: 100\n");
        EvalConfig attack = eval("batch_size: 16\nmax_new_tokens: 100\nconditions:\n  - {name: plain}\n"
                + "  - {name: attack, prefill_model: pretrain, follow_up: \"Go on.\"}\n");
        List<PromptItem> prompts = EvalPrompts.of(plain, new Charworld(plain.world()));
        // turn 1 (at most max_new_tokens) and the follow-up with its headers join the longest prompt
        assertEquals(EvalPrompts.tokenBound(plain, prompts) + 100 + bytes("Go on.") + EvalPrompts.TEMPLATE_TOKENS,
                EvalPrompts.tokenBound(attack, prompts));
        assertEquals("conditions[1].prefill_model", attack.prefillRole(attack.evaluated().get(1)));

        // the two models are loaded one after another: the peak is the larger model's
        MemoryEstimate smallEvaluated = new EvalStageKind().memory(attack, Map.of("input",
                new PlannedModel(tiny.toPlain()), "conditions[1].prefill_model", new PlannedModel(qwen3.toPlain())));
        assertEquals(MemoryArithmetic.parameters(qwen3) * MemoryArithmetic.FP32, smallEvaluated.weights());
        assertEquals(MemoryArithmetic.generationFloats(qwen3, 16,
                EvalPrompts.firstTurnBound(attack, prompts) + 100, 100) * MemoryArithmetic.FP32,
                smallEvaluated.generation(), "turn 1 prompts are the bare prompts");
        MemoryEstimate bigEvaluated = new EvalStageKind().memory(attack, Map.of("input",
                new PlannedModel(qwen3.toPlain()), "conditions[1].prefill_model", new PlannedModel(tiny.toPlain())));
        assertEquals(MemoryArithmetic.generationFloats(qwen3, 16, EvalPrompts.tokenBound(attack, prompts) + 100, 100)
                * MemoryArithmetic.FP32, bigEvaluated.generation(), "turn 2 prompts hold turn 1");
        assertTrue(bigEvaluated.peak() > new EvalStageKind().memory(plain, Map.of("input",
                new PlannedModel(qwen3.toPlain()))).peak());
        // the other model's shape unknown at plan time: no estimate rather than a wrong one
        assertEquals(null, new EvalStageKind().memory(attack, Map.of("input", new PlannedModel(tiny.toPlain()))));
    }

    @Test
    void perFamilyCountsOverrideOneFamilyAndKeepItsFirstItemsAndTheOthersUnchanged() {
        EvalConfig base = eval("prompts: {in_distribution_per_family: 5, ood_per_family: 4}\n");
        EvalConfig more = eval("prompts: {in_distribution_per_family: 5, ood_per_family: 4, per_family: {arithmetic: 30,"
                + " comparison: 0}}\n");
        Charworld world = new Charworld(base.world());
        List<PromptItem> a = EvalPrompts.of(base, world);
        List<PromptItem> b = EvalPrompts.of(more, world);
        Map<String, List<String>> ia = ids(a);
        Map<String, List<String>> ib = ids(b);
        assertEquals(5, ia.get("arithmetic").size());
        assertEquals(30, ib.get("arithmetic").size());
        assertEquals(ia.get("arithmetic"), ib.get("arithmetic").subList(0, 5), "the first items do not depend on the count");
        assertEquals(30, new java.util.HashSet<>(ib.get("arithmetic")).size(), "distinct test items");
        assertEquals(ia.get("lookup"), ib.get("lookup"));
        assertEquals(4, ia.get("comparison").size());
        assertTrue(!ib.containsKey("comparison"), "comparison: 0 drops the OOD family");
        // the tasks behind the prompts are the same items, for the likelihood scorer
        assertEquals(b.stream().map(PromptItem::id).toList(), List.copyOf(EvalPrompts.tasks(more, world).keySet()));

        EvalConfig bad = eval("prompts: {per_family: {arithmetik: 3}}\n");
        org.charlab.BadInput e = org.junit.jupiter.api.Assertions.assertThrows(org.charlab.BadInput.class,
                () -> EvalPrompts.of(bad, world));
        assertTrue(e.getMessage().contains("'arithmetik'") && e.getMessage().contains("arithmetic"), e.getMessage());
    }

    private static Map<String, List<String>> ids(List<PromptItem> prompts) {
        Map<String, List<String>> out = new java.util.LinkedHashMap<>();
        prompts.forEach(p -> out.computeIfAbsent(p.family(), k -> new java.util.ArrayList<>()).add(p.id()));
        return out;
    }
}
