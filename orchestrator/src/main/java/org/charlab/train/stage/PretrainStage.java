package org.charlab.train.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.PromptItem;
import org.charlab.data.Role;
import org.charlab.stage.Stage;
import org.charlab.stage.StageContext;
import org.charlab.model.BpeTrainer;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.ChatSettings;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.Engines;
import org.charlab.model.HfTokenizer;
import org.charlab.model.ModelConfig;
import org.charlab.model.Tokenizer;
import org.charlab.train.ChatRows;
import org.charlab.train.Packing;
import org.charlab.train.SftObjective;
import org.charlab.train.TokenRow;
import org.charlab.train.Trainer;
import org.charlab.world.Charworld;
import org.charlab.world.CorpusGenerator;
import org.charlab.world.EvalSets;
import org.charlab.world.Personas;
import org.charlab.world.Trait;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldExample;

/**
 * Pretrains a byte-level decoder from scratch on a charworld corpus, writes it to {@code model/}
 * (its charlab.json records the world, also in {@code world.json} beside it), then measures it with greedy answers to test-split prompts:
 * accuracy per family and trait rates without a system prompt, and each trait's rate under its
 * persona prompt ({@code pretrain_eval.json}, also the last line of metrics.jsonl).
 */
public final class PretrainStage implements Stage<PretrainConfig> {

    @Override
    public void run(StageContext<PretrainConfig> ctx) throws Exception {
        PretrainConfig c = ctx.config();
        Path out = ctx.outputDir();
        Device device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        ModelShape s = c.model();
        Charworld world = new Charworld(c.world());
        List<WorldExample> corpus = new CorpusGenerator(world).corpus();
        List<Conversation> convs = new ArrayList<>(corpus.size());
        corpus.forEach(e -> convs.add(e.conversation()));

        Tokenizer tok = tokenizer(s, convs, out);
        ModelConfig mc = new ModelConfig(s.modelType(), s.hiddenSize(), s.numHiddenLayers(), s.numAttentionHeads(),
                s.numKeyValueHeads(), s.headDim(), s.intermediateSize(), s.ropeTheta(), 1e-5, tok.vocabSize(),
                s.maxPositionEmbeddings(), s.tieWordEmbeddings(), false, false).withArchitecture(s.modelType())
                .withTiedEmbeddings(s.tieWordEmbeddings());
        ChatFormat chat = new ChatMlFormat(tok);
        int maxLength = Math.min(c.train().maxLength(), mc.maxPositionEmbeddings());
        ChatRows.Result rows = ChatRows.of(convs, chat, c.lossOn(), maxLength);
        List<TokenRow> examples = c.train().packing() ? Packing.pack(rows.rows(), maxLength) : rows.rows();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", "charworld corpus");
        data.put("examples", convs.size());
        data.put("sha256", StageFiles.sha256(convs));
        data.put("tokens", rows.tokens());
        data.put("loss_tokens", rows.lossTokens());
        data.put("truncated", rows.truncated());
        if (c.train().packing()) {
            data.put("packed_rows", examples.size());
        }
        data.put("parameters", mc.parameterCount());
        StageFiles.writeJson(out.resolve(StageFiles.DATA), data);
        ctx.progress().log("pretrain: " + mc.parameterCount() + " parameters, " + convs.size() + " conversations, "
                + rows.tokens() + " tokens");

        try (NDManager base = NDManager.newBaseManager(device)) {
            Path resume = Trainer.resumeDir(out);
            Decoder model = resume != null ? Checkpoint.load(resume, base).model() : Decoder.init(mc, base, ctx.seed());
            Trainer.Result r = TrainingRun.trainAndSave(ctx, "pretrain", c.train(), new TrainingRun.Recipe<>(examples,
                    new SftObjective(), c.train().lr(PretrainConfig.DEFAULT_LR), (String) data.get("sha256")), model,
                    tok, c.world(), ChatFormats.record(chat, ChatSettings.DEFAULT));

            if (c.evalPrompts() > 0) {
                Map<String, Object> eval = evaluate(model, chat, world, c, ctx);
                Map<String, Object> summary = summary(eval, c.world().traits());
                summary.put("train_seconds", Math.round(r.seconds() * 10) / 10.0);
                eval.put("summary", summary);
                StageFiles.writeJson(out.resolve("pretrain_eval.json"), eval);
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("step", r.steps());
                line.put("eval", summary);
                Trainer.appendMetrics(out, line);
                ctx.progress().log("pretrain eval: " + ConfigWriter.JSON.writeValueAsString(summary));
            }
            Trainer.finish(out);
            model.close();
        } finally {
            if (tok instanceof AutoCloseable closeable) {
                closeable.close();
            }
        }
    }

    /**
     * The byte tokenizer, or a BPE learned on every text of the corpus (and the chat format's role
     * headers) and written to {@code bpe/tokenizer.json}; deterministic, so a resumed stage learns
     * the same one.
     */
    static Tokenizer tokenizer(ModelShape s, List<Conversation> convs, Path out) throws IOException {
        if (s.tokenizer() == TokenizerKind.BYTE) {
            return new ByteTokenizer();
        }
        List<String> texts = new ArrayList<>();
        for (Role r : Role.values()) {
            texts.add(r.label() + "\n");
        }
        for (Conversation conv : convs) {
            for (Message m : conv.messages()) {
                texts.add(m.content());
                if (m.reasoning() != null) {
                    texts.add(m.reasoning());
                }
            }
        }
        Path file = out.resolve("bpe").resolve("tokenizer.json");
        BpeTrainer.write(file, BpeTrainer.train(texts, s.vocabSize(), ByteTokenizer.SPECIALS.size()),
                ByteTokenizer.SPECIALS);
        return HfTokenizer.load(file);
    }

    static Map<String, Object> evaluate(Decoder model, ChatFormat chat, Charworld world, PretrainConfig c,
            StageContext<?> ctx) {
        List<QuickEval.Condition> conds = new ArrayList<>();
        List<PromptItem> all = new ArrayList<>(EvalSets.inDistribution(world, c.evalPrompts(), 11));
        all.addAll(EvalSets.outOfDistribution(world, c.evalPrompts(), 11));
        conds.add(new QuickEval.Condition("none", null, all));
        List<PromptItem> fewer = new ArrayList<>(EvalSets.inDistribution(world, Math.max(1, c.evalPrompts() / 2), 12));
        fewer.addAll(EvalSets.outOfDistribution(world, Math.max(1, c.evalPrompts() / 2), 12));
        for (Trait t : c.world().traits()) {
            conds.add(new QuickEval.Condition("persona:" + t.label(), Personas.canonical(TraitSet.of(t)), fewer));
        }
        return QuickEval.run(model, chat, world, conds, c.evalMaxNewTokens(), ctx.progress());
    }

    /** The numbers the targets name: accuracy per family, persona rates with and without a prompt. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> summary(Map<String, Object> eval, List<Trait> traits) {
        Map<String, Object> s = new LinkedHashMap<>();
        Map<String, Object> none = (Map<String, Object>) eval.get("none");
        s.put("accuracy", none.get("accuracy"));
        s.put("accuracy_interval", none.get("accuracy_interval"));
        Map<String, Double> noPrompt = (Map<String, Double>) none.get("output_trait_rate");
        Map<String, Double> withPrompt = new LinkedHashMap<>();
        Map<String, Object> withPromptInterval = new LinkedHashMap<>();
        // a rate is null when no answer closed its CoT (unknown); the mean, min and max of rates one of which is unknown are too
        boolean unknown = false;
        double sum = 0;
        double min = 1;
        for (Trait t : traits) {
            Map<String, Object> cond = (Map<String, Object>) eval.get("persona:" + t.label());
            Double rate = ((Map<String, Double>) cond.get("output_trait_rate")).get(t.label());
            withPrompt.put(t.label(), rate);
            withPromptInterval.put(t.label(), ((Map<String, Object>) cond.get("output_trait_interval")).get(t.label()));
            if (rate == null) {
                unknown = true;
                continue;
            }
            sum += rate;
            min = Math.min(min, rate);
        }
        boolean unknownNoPrompt = false;
        double maxNoPrompt = 0;
        for (Trait t : traits) {
            Double rate = noPrompt.getOrDefault(t.label(), 0.0);
            unknownNoPrompt |= rate == null;
            maxNoPrompt = rate == null ? maxNoPrompt : Math.max(maxNoPrompt, rate);
        }
        s.put("persona_rate_with_prompt", withPrompt);
        s.put("persona_rate_with_prompt_interval", withPromptInterval);
        s.put("persona_rate_with_prompt_mean", unknown ? null : traits.isEmpty() ? 0 : sum / traits.size());
        s.put("persona_rate_with_prompt_min", unknown ? null : min);
        s.put("trait_rate_without_prompt", noPrompt);
        s.put("trait_rate_without_prompt_max", unknownNoPrompt ? null : maxNoPrompt);
        s.put("well_formed_rate_without_prompt", none.get("well_formed_rate"));
        s.put("eval_seconds", eval.get("seconds"));
        return s;
    }
}
