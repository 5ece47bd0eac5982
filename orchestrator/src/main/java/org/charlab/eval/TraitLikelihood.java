package org.charlab.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.FormattedChat;
import org.charlab.model.Segment;
import org.charlab.world.Style;
import org.charlab.world.Task;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;

/**
 * The eval's trait likelihood (option {@code trait_likelihood}): how likely the model finds a
 * trait, whether or not it generates it. For each (condition, prompt) and each listed trait t, the
 * prompt as the condition shapes it (system prompt, user suffix; a CoT prefill does not apply) is
 * followed by the charworld item's reference assistant turn - its CoT in neutral English, its
 * output rendered in t ({@link Style}) - and scored teacher-forced:
 * <pre>
 *   loglik(t) = (1 / |O|) * sum_{i in O} log p(y_i | y_&lt;i)     O = the output text tokens of that turn
 * </pre>
 * (the end marker is not in O), likewise for the neutral output, and {@code loglik(t) -
 * loglik(neutral)}: the per-token log-likelihood ratio of the trait's rendering over the neutral one
 * for the same content. Written on every sample row of that (condition, prompt) as
 * {@code trait.<t>.loglik}, {@code trait.neutral.loglik} and {@code trait.<t>.loglik_vs_neutral};
 * the metrics of the same names ({@link MetricRegistry}) are their means with intervals.
 */
final class TraitLikelihood {

    private TraitLikelihood() {
    }

    static String key(Trait t) {
        return "trait." + t.label() + ".loglik";
    }

    static String vsNeutral(Trait t) {
        return "trait." + t.label() + ".loglik_vs_neutral";
    }

    /**
     * The reference assistant turn of {@code task} with its output in {@code traits}: the neutral CoT
     * (none when the chat format writes none) and the styled output; persona markers are drawn from a
     * stream seeded by the item's key, so a trait's reference is the same in every run and condition.
     */
    static Message reference(Task task, TraitSet traits, boolean cot) {
        SplittableRandom rng = new SplittableRandom(task.key().hashCode());
        String c = cot ? Style.render(task.cot(), TraitSet.NEUTRAL, Style.Part.COT, rng) : null;
        return Message.assistant(c, Style.render(task.output(), traits, Style.Part.OUTPUT, rng));
    }

    /** {@code prompt} (no assistant turn) followed by {@code reply}. */
    static Conversation withReply(Conversation prompt, Message reply) {
        List<Message> ms = new ArrayList<>(prompt.prompt().messages());
        ms.add(reply);
        return new Conversation(ms);
    }

    /**
     * The mean log-probability per token of the output text tokens of the conversation's last
     * assistant message, teacher-forced; NaN when it has none.
     */
    static double meanOutputLogProb(Decoder model, ChatFormat chat, Conversation conversation) {
        FormattedChat f = chat.format(conversation);
        int t = f.length();
        int last = -1;
        for (int i = 0; i < t; i++) {
            if (f.assistant()[i]) {
                last = Math.max(last, f.message()[i]);
            }
        }
        long[] ids = new long[t];
        for (int i = 0; i < t; i++) {
            ids[i] = f.ids()[i];
        }
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        float[] lp;
        try (NDManager m = model.manager().newSubManager()) {
            NDArray x = m.create(ids, new Shape(1, t));                              // [1, T]
            NDArray logits = model.logits(x);                                       // [1, T, V]
            // log p(ids[i+1] | ids[..i]) at position i: [1, T-1]
            lp = logits.get(":, :-1, :").logSoftmax(-1).gather(x.get(":, 1:").expandDims(-1), -1).squeeze(-1)
                    .toFloatArray();
        } finally {
            JniUtils.setGradMode(gradMode);
        }
        double sum = 0;
        int n = 0;
        for (int i = 1; i < t; i++) {
            if (f.segments()[i] == Segment.OUTPUT && f.message()[i] == last) {
                sum += lp[i - 1];
                n++;
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /**
     * The rows with the likelihood scores of their (condition, prompt) added; every prompt must be a
     * charworld item of {@code tasks} (by id).
     */
    static List<SampleRow> score(List<SampleRow> rows, EvalConfig cfg, List<PromptItem> prompts, Map<String, Task> tasks,
            Decoder model, ChatFormat chat, org.charlab.stage.Progress progress) {
        Map<String, Map<String, Double>> byCell = new HashMap<>();
        long done = 0;
        long total = (long) cfg.conditions().size() * prompts.size();
        for (Condition c : cfg.conditions()) {
            for (PromptItem p : prompts) {
                Task task = tasks.get(p.id());
                if (task == null) {
                    throw new IllegalStateException("trait_likelihood: prompt " + p.id() + " is not a charworld item");
                }
                Conversation prompt = Conditions.apply(c, p.messages());
                double neutral = meanOutputLogProb(model, chat,
                        withReply(prompt, reference(task, TraitSet.NEUTRAL, chat.writesCot())));
                Map<String, Double> s = new LinkedHashMap<>();
                s.put("trait.neutral.loglik", neutral);
                for (Trait t : cfg.likelihoodTraits()) {
                    double v = meanOutputLogProb(model, chat, withReply(prompt, reference(task, TraitSet.of(t),
                            chat.writesCot())));
                    s.put(key(t), v);
                    s.put(vsNeutral(t), v - neutral);
                }
                s.values().removeIf(v -> Double.isNaN(v));
                byCell.put(c.name() + "\u0000" + p.id(), s);
                progress.report(++done, total, "trait likelihood");
            }
        }
        return rows.stream().map(r -> r.withScores(byCell.getOrDefault(r.condition() + "\u0000" + r.promptId(),
                Map.of()), Map.of())).toList();
    }
}
