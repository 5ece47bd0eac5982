package org.charlab.train.stage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.Map;
import org.charlab.config.Binder;
import org.charlab.config.Node;
import org.charlab.config.Source;
import org.charlab.config.StageRef;
import org.charlab.model.LoraShape;
import org.charlab.model.MemoryArithmetic;
import org.charlab.model.ModelConfig;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.junit.jupiter.api.Test;

/** The training kinds' estimates: each component against hand-computed bytes for a known config. */
class StageMemoryTest {

    /** D 16, L 2, H 4, KV 2, hd 4, I 24, V 264, 32 positions, tied: 8,144 parameters. */
    static final ModelConfig MICRO = new ModelConfig("llama", 16, 2, 4, 2, 4, 24, 10000.0, 1e-5, 264, 32, true, false,
            false);
    static final Map<String, PlannedModel> INPUT = Map.of("input", StageMemory.planned(MICRO));

    static <C extends Record> C bind(Class<C> type, String... kv) {
        Node.MapNode tree = Node.MapNode.empty(Source.builtIn("test"));
        for (String s : kv) {
            String[] p = s.split("=", 2);
            tree = org.charlab.config.ConfigLoader.setPath(tree, p[0], Node.fromPlain(Integer.valueOf(p[1]), Source.builtIn("test")),
                    Source.builtIn("test"));
        }
        return new Binder(t -> null).bind(type, tree, "");
    }

    @Test
    void sftComponentsByHand() {
        SftConfig c = bind(SftConfig.class, "batch_size=2", "max_length=8", "eval_prompts=0");
        MemoryEstimate m = new SftKind().memory(c, INPUT);
        long p = 8144;
        assertEquals(p, m.parameters());
        assertEquals(p, m.trainable());
        assertEquals(4 * p, m.weights());
        assertEquals(4 * p, m.gradients());
        assertEquals(8 * p, m.optimizer(), "two fp32 moments");
        assertEquals(0, m.frozen());
        assertEquals(0, m.generation(), "eval_prompts 0: no closing check");
        // forward (B 2, T 8; see MemoryArithmeticTest) 22,912 + log-softmax BTV 4,224
        // + backward 2 BTV + 2 BHT^2 = 8,448 + 1,024
        long forward = 2 * 8 * 16 + 2 * 8832 + 3 * 2 * 8 * 16 + 2 * 8 * 264;
        assertEquals(22912, forward);
        assertEquals(4 * (forward + 4224 + 8448 + 1024), m.activations());
        assertEquals(m.weights() + m.gradients() + m.optimizer() + m.activations() + MemoryArithmetic.RUNTIME_BYTES,
                m.peak());
    }

    @Test
    void dpoHoldsAReferenceCopyUnlessLoraUsesItsBase() {
        DpoConfig c = bind(DpoConfig.class, "batch_size=1", "max_length=8", "eval_prompts=0");
        MemoryEstimate full = new DpoKind().memory(c, INPUT);
        assertEquals(4 * 8144, full.frozen());
        // 2B rows (chosen, rejected) through policy and reference: twice (forward + loss) at B 2, once backward
        assertEquals(4 * (2 * (22912 + 4224) + 8448 + 1024), full.activations());

        LoraShape lora = new LoraShape(2, List.of("q_proj", "v_proj"));
        MemoryEstimate adapted = DpoKind.memory(c, INPUT, lora);
        assertEquals(0, adapted.frozen(), "the reference is the base weights with the adapter off");
        assertEquals(224, adapted.trainable());
        assertEquals(4 * (8144 + 224), adapted.weights(), "base plus adapters");
        assertEquals(4 * 224, adapted.gradients());
        assertEquals(8 * 224, adapted.optimizer());
        DpoConfig named = new DpoConfig(new StageRef("base"), c.beta(), c.lossType(), c.labelSmoothing(), c.nllWeight(),
                c.lossOn(), c.pairs(), c.data(), c.cot(), c.teacher(), c.teacherSystem(), c.teacherConstitution(), c.keepTeacherCot(),
                c.temperature(), c.topP(), c.maxNewTokens(), c.maxReplyTokens(), c.requirePunctuation(),
                c.referenceDtype(), c.shared(), c.train());
        assertEquals(4 * 8144, DpoKind.memory(named, INPUT, lora).frozen(), "a named reference is another model");
    }

    /** MICRO's matrices: embedding 264 x 16 (tied) + 2 layers of q, o 16x16, k, v 16x8, gate, up, down 16x24. */
    static final long MICRO_MATRICES = 264 * 16 + 2 * (2 * 16 * 16 + 2 * 16 * 8 + 3 * 16 * 24);

    @Test
    void halfPrecisionCopiesCountTwoBytesPerMatrixElement() {
        long half = 2 * MICRO_MATRICES + 4 * (8144 - MICRO_MATRICES);
        assertEquals(2 * 2 * 16 + 16, 8144 - MICRO_MATRICES, "norms stay fp32");
        DpoConfig d = bind(DpoConfig.class, "batch_size=1", "max_length=8", "eval_prompts=0");
        DpoConfig dHalf = new DpoConfig(d.reference(), d.beta(), d.lossType(), d.labelSmoothing(), d.nllWeight(),
                d.lossOn(), d.pairs(), d.data(), d.cot(), d.teacher(), d.teacherSystem(), d.teacherConstitution(), d.keepTeacherCot(),
                d.temperature(), d.topP(), d.maxNewTokens(), d.maxReplyTokens(), d.requirePunctuation(),
                FrozenDtype.FP16, d.shared(), d.train());
        MemoryEstimate full = new DpoKind().memory(d, INPUT);
        MemoryEstimate halved = new DpoKind().memory(dHalf, INPUT);
        assertEquals(half, halved.frozen());
        assertEquals(full.peak() - 4 * 8144 + half, halved.peak(), "only the reference's bytes change");
        assertEquals(0, DpoKind.memory(dHalf, INPUT, new LoraShape(2, List.of("q_proj"))).frozen(),
                "LoRA's reference is the base itself: nothing to halve");

        OpdConfig o = bind(OpdConfig.class, "batch_size=1", "max_length=8", "eval_prompts=0");
        OpdConfig oHalf = new OpdConfig(o.teacher(), o.teacherSystem(), o.privileged(), o.teacherWeights(),
                o.prompts(), o.loss(), o.beta(), o.lmbda(), o.temperature(), o.maxNewTokens(), o.lossOn(),
                FrozenDtype.FP16, o.shared(), o.train());
        assertEquals(4 * 8144, new OpdKind().memory(o, INPUT).frozen());
        assertEquals(half, new OpdKind().memory(oHalf, INPUT).frozen());
        OpdConfig oCurrent = new OpdConfig(o.teacher(), o.teacherSystem(), org.charlab.train.Privileged.ANSWER, null,
                o.prompts(), o.loss(), o.beta(), o.lmbda(), o.temperature(), o.maxNewTokens(), o.lossOn(), null,
                o.shared(), o.train());
        assertEquals(TeacherWeights.CURRENT, oCurrent.teacherWeights(), "a privileged self-teacher defaults to current");
        assertEquals(0, new OpdKind().memory(oCurrent, INPUT).frozen(), "the current-weights teacher is no copy");
    }

    @Test
    void closingCheckIsTheKvCacheAndAPrefill() {
        SftConfig c = bind(SftConfig.class, "batch_size=2", "max_length=8", "eval_prompts=5", "eval_max_new_tokens=24");
        MemoryEstimate m = new SftKind().memory(c, INPUT);
        // 32 rows, 32 columns: cache 2 L [32, KV 2, 32, hd 4] = 32,768; prefill of 8 columns without all-position logits
        long prefill = MemoryArithmetic.forwardFloats(MICRO, 32, 8) - 32 * 8 * 264 + 32 * 264;
        assertEquals(4 * (32768 + prefill), m.generation());
    }

    @Test
    void unknownInputModelGivesNoEstimate() {
        assertNull(new SftKind().memory(bind(SftConfig.class), Map.of()));
    }
}
