package org.charlab.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.Binder;
import org.charlab.config.YamlReader;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConditionsTest {

    static final ChatFormat CHAT = new ChatMlFormat(new ByteTokenizer());
    static final Conversation PROMPT = Conversation.of(Message.user("Tom has 12 apples. How many are left?"));

    static String rendered(Condition c, Conversation p) {
        ChatFormat.Prefill prefill = c.cotPrefill() == null ? ChatFormat.Prefill.none() : ChatFormat.Prefill.cot(c.cotPrefill());
        return CHAT.tokenizer().decode(CHAT.prompt(Conditions.apply(c, p), prefill).ids());
    }

    @Test
    void conditionsReachThePromptAndDoNotLeakIntoEachOther() {
        Condition sys = new Condition("spanish", "You always speak in Spanish.", null, null);
        Condition adv = new Condition("adv", null, "(DO NOT ROLEPLAY. Respond naturally only.)", null);
        Condition pre = new Condition("pre", null, null, "I want to ensure");
        String s = rendered(sys, PROMPT);
        assertTrue(s.startsWith("<|im_start|>system\nYou always speak in Spanish.<|im_end|>\n<|im_start|>user\n"), s);
        String plain = rendered(Condition.plain(), PROMPT);
        assertFalse(plain.contains("system"), plain);
        assertFalse(plain.contains("Spanish"), plain);
        assertEquals("<|im_start|>user\nTom has 12 apples. How many are left?<|im_end|>\n<|im_start|>assistant\n<think>\n",
                plain);
        String a = rendered(adv, PROMPT);
        assertTrue(a.contains("How many are left? (DO NOT ROLEPLAY. Respond naturally only.)<|im_end|>"), a);
        assertFalse(a.contains("system"));
        assertTrue(rendered(pre, PROMPT).endsWith("<|im_start|>assistant\n<think>\nI want to ensure"));
        // the prompt item itself is never modified, in any order
        assertEquals(List.of(Message.user("Tom has 12 apples. How many are left?")), PROMPT.messages());
        assertEquals(plain, rendered(Condition.plain(), PROMPT));
    }

    @Test
    void aSystemConditionReplacesThePromptSetsSystemPromptAndPlainKeepsIt() {
        Conversation withSys = Conversation.of(Message.system("You are a pirate."), Message.user("Hi"));
        String s = rendered(new Condition("x", "Be brief.", null, null), withSys);
        assertFalse(s.contains("pirate"));
        assertTrue(s.contains("Be brief."));
        assertTrue(rendered(Condition.plain(), withSys).contains("You are a pirate."));
    }

    @Test
    void sampleSeedsDependOnlyOnStageSeedConditionPromptAndIndex() {
        long s = Conditions.sampleSeed(1, "plain", "p1", 0);
        assertEquals(s, Conditions.sampleSeed(1, "plain", "p1", 0));
        assertNotEquals(s, Conditions.sampleSeed(2, "plain", "p1", 0));
        assertNotEquals(s, Conditions.sampleSeed(1, "other", "p1", 0));
        assertNotEquals(s, Conditions.sampleSeed(1, "plain", "p2", 0));
        assertNotEquals(s, Conditions.sampleSeed(1, "plain", "p1", 1));
    }

    @Test
    void configBindsWithDefaultsAndRefusesBadConditions() {
        Binder b = new Binder(t -> null);
        EvalConfig d = b.bind(EvalConfig.class, YamlReader.parse("{}", Path.of("e.yaml")), "stages.eval");
        assertEquals(List.of(Condition.plain()), d.conditions());
        assertEquals(1, d.samplesPerPrompt());
        assertEquals(0.7, d.sampling().temperature());
        assertEquals(2000, d.bootstrap().resamples());
        assertEquals(List.of("hmm", "wait"), d.legibility().fillers());
        assertEquals(null, d.judge());
        BadInput dup = assertThrows(BadInput.class, () -> b.bind(EvalConfig.class,
                YamlReader.parse("conditions: [{name: a}, {name: a}]\n", Path.of("e.yaml")), "stages.eval"));
        assertTrue(dup.getMessage().contains("two conditions are named 'a'"), dup.getMessage());
        BadInput typo = assertThrows(BadInput.class, () -> b.bind(EvalConfig.class,
                YamlReader.parse("conditions: [{name: a, sytem: x}]\n", Path.of("e.yaml")), "stages.eval"));
        assertTrue(typo.getMessage().contains("did you mean 'system'"), typo.getMessage());
        BadInput judge = assertThrows(BadInput.class, () -> b.bind(EvalConfig.class, YamlReader.parse(
                "judge: {base_url: 'http://x', model: m, traits: {caps: 'no placeholder'}}\n", Path.of("e.yaml")),
                "stages.eval"));
        assertTrue(judge.getMessage().contains("{text}"), judge.getMessage());
    }

    @Test
    void shippedEvalConfigsBind() {
        for (String f : List.of("../experiments/pretrain-eval.yaml", "../configs/eval/charworld.yaml")) {
            org.charlab.config.Node.MapNode root = org.charlab.config.ConfigLoader.load(Path.of(f), List.of());
            org.charlab.config.Node.MapNode eval = root.get("stages") == null ? root
                    : (org.charlab.config.Node.MapNode) ((org.charlab.config.Node.MapNode) root.get("stages")).get("eval");
            java.util.Map<String, org.charlab.config.Node> rest = new java.util.LinkedHashMap<>(eval.entries());
            rest.remove("type");
            rest.remove("description");
            EvalConfig c = new Binder(t -> null).bind(EvalConfig.class, new org.charlab.config.Node.MapNode(rest,
                    new java.util.LinkedHashMap<>(), eval.source()), "stages.eval");
            assertEquals(5, c.conditions().size(), f);
            assertEquals("(DO NOT ROLEPLAY. Respond naturally only.)", c.conditions().get(4).userSuffix());
        }
    }

    @Test
    void samplesRoundTripByteForByte(@TempDir Path dir) throws Exception {
        SampleRow r = new SampleRow("plain", "p\"1", null, 0, -5, "19", null, "línea\nдва", "", false, 0, 3, 4, 0, 7,
                "length", Map.of("trait.caps.cot", 0.25), Map.of("judge.x.cot", "HTTP 500; gave up"))
                .withScores(java.util.Collections.singletonMap("judge.x.cot", null), Map.of());
        Path f = dir.resolve("samples.jsonl");
        Samples.write(f, List.of(r, r));
        List<SampleRow> back = Samples.read(f);
        assertEquals(List.of(r, r), back);
        Path g = dir.resolve("again.jsonl");
        Samples.write(g, back);
        assertArrayEquals(Files.readAllBytes(f), Files.readAllBytes(g));
        Files.writeString(dir.resolve("bad.jsonl"), Samples.toLine(r) + "\n{\"condition\": 1\n");
        BadInput bad = assertThrows(BadInput.class, () -> Samples.read(dir.resolve("bad.jsonl")));
        assertTrue(bad.getMessage().contains("bad.jsonl:2:"), bad.getMessage());
    }
}
