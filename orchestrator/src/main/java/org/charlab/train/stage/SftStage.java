package org.charlab.train.stage;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.exec.Stage;
import org.charlab.exec.StageContext;
import org.charlab.model.ChatFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Engines;
import org.charlab.train.ChatRows;
import org.charlab.train.Inoculation;
import org.charlab.train.Packing;
import org.charlab.train.SftObjective;
import org.charlab.train.TokenRow;
import org.charlab.train.Trainer;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldConfig;
import org.charlab.world.WorldExample;

/**
 * Supervised fine-tuning of the input stage's model ({@code <input>/model}) on character data.
 * The inoculation prompt, if any, is applied in exactly one place, {@link #trainingConversations},
 * to the conversations that are tokenised for training; the saved model, its provenance and the
 * closing check (greedy answers with no system prompt, {@code sft_eval.json}) never see it.
 * {@code data.json} holds the SHA-256 of the examples before and after inoculation, so arms that
 * differ only in the prompt show the same {@code data_sha256}; {@code train_sample.jsonl} holds the
 * first training conversations exactly as trained on.
 */
public final class SftStage implements Stage<SftConfig> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String EVAL = "sft_eval.json";
    private static final long INOCULATION_SALT = 0x696e6f63L;

    @Override
    public void run(StageContext<SftConfig> ctx) throws Exception {
        SftConfig c = ctx.config();
        Path out = ctx.outputDir();
        Path input = ctx.input("input");
        Device device = Engines.configure(ctx.runtime(), 1, ctx.seed());
        WorldConfig inputWorld = StageFiles.readWorld(input);
        WorldConfig worldConfig = inputWorld != null ? inputWorld : WorldConfig.defaults();
        Charworld world = new Charworld(worldConfig);

        List<Conversation> base = dataset(c, world, ctx.seed());
        List<Conversation> train = trainingConversations(base, c.inoculation(), ctx.seed());
        ConversationJsonl.writeRows(out.resolve(TRAIN_SAMPLE),
                train.subList(0, Math.min(5, train.size())).stream().map(ConversationJsonl.Row::new).toList(),
                ThinkFormat.FIELD);

        try (NDManager manager = NDManager.newBaseManager(device)) {
            // weights first, then the trainer (which makes them trainable and builds the optimizer)
            Checkpoint.Loaded loaded = Checkpoint.load(Trainer.startingWeights(out, input.resolve(StageFiles.MODEL)),
                    manager);
            ChatFormat chat = new ChatFormat(loaded.tokenizer());
            int maxLength = Math.min(c.train().maxLength(), loaded.model().config().maxPositionEmbeddings());
            ChatRows.Result rows = ChatRows.of(train, chat, c.lossOn(), maxLength);
            List<TokenRow> examples = c.train().packing() ? Packing.pack(rows.rows(), maxLength) : rows.rows();
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("source", c.data() != null ? c.data().toString()
                    : "charworld " + c.traits() + " cot=" + c.cot().name().toLowerCase());
            data.put("examples", base.size());
            data.put("data_sha256", StageFiles.sha256(base));
            data.put("train_sha256", StageFiles.sha256(train));
            data.put("inoculation", ConfigWriter.toPlain(c.inoculation()));
            data.put("loss_on", c.lossOn().label());
            data.put("tokens", rows.tokens());
            data.put("loss_tokens", rows.lossTokens());
            data.put("truncated", rows.truncated());
            if (c.train().packing()) {
                data.put("packed_rows", examples.size());
            }
            StageFiles.writeJson(out.resolve(StageFiles.DATA), data);

            Trainer<TokenRow> trainer = new Trainer<>(c.train(), c.train().lr(SftConfig.DEFAULT_LR),
                    new SftObjective(), loaded.model(), loaded.tokenizer(), out, ctx.seed(), ctx.progress());
            Trainer.Result r = trainer.train(examples);
            Map<String, Object> prov = new LinkedHashMap<>();
            prov.put("stage", "sft");
            prov.put("seed", ctx.seed());
            prov.put("steps", r.steps());
            prov.put("data_sha256", data.get("data_sha256"));
            StageFiles.recordWorld(prov, out, StageFiles.trainedWorld(inputWorld, c.data() == null));
            Checkpoint.save(out.resolve(StageFiles.MODEL), loaded.model(), loaded.tokenizer(), prov);
            ctx.progress().log(String.format(java.util.Locale.ROOT, "sft: %d steps in %.1f s, loss %.4f", r.steps(),
                    r.seconds(), r.lastLoss()));

            QuickEval.closingCheck(out, EVAL, loaded.model(), chat, world, c.evalPrompts(), c.evalMaxNewTokens(), r.steps(),
                    ctx.progress());
            Trainer.finish(out);
            loaded.close();
        }
    }

    /** The examples before inoculation: the user's JSONL file or generated charworld character data. */
    static List<Conversation> dataset(SftConfig c, Charworld world, long seed) {
        if (c.data() != null) {
            return ConversationJsonl.read(c.data().path());
        }
        TraitSet traits = TraitSet.parse(c.traits());
        List<Conversation> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(world, traits, c.cot(), c.examples(), seed)) {
            out.add(e.conversation());
        }
        return out;
    }

    /** The one place the inoculation prompt is applied: example i draws from its own RNG (seed, i). */
    public static List<Conversation> trainingConversations(List<Conversation> base, Inoculation inoculation, long seed) {
        List<Conversation> out = new ArrayList<>(base.size());
        for (int i = 0; i < base.size(); i++) {
            SplittableRandom rng = new SplittableRandom(seed ^ (INOCULATION_SALT * (i + 1L)));
            out.add(inoculation.apply(base.get(i), rng));
        }
        return out;
    }
}
