package org.charlab.train.stage;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.charlab.config.ConfigWriter;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.stage.StageContext;
import org.charlab.train.ChatRows;
import org.charlab.train.Packing;
import org.charlab.train.SftObjective;
import org.charlab.train.TokenRow;
import org.charlab.world.CharacterData;
import org.charlab.world.Charworld;
import org.charlab.world.TraitSet;
import org.charlab.world.WorldExample;

/**
 * Supervised fine-tuning of the input stage's model ({@code <input>/model}) on character data, in
 * the {@link FinetuneStage} outline: the data are the user's conversations or charworld character
 * data, the objective the next-token loss on the tokens loss_on selects ({@link SftObjective}).
 * The inoculation prompt, if any, is applied to the conversations that are tokenised for training
 * only; the saved model, its provenance and the closing check ({@code sft_eval.json}) never see it.
 * {@code data.json} holds the SHA-256 of the examples before and after inoculation, so arms that
 * differ only in the prompt show the same {@code data_sha256}; {@code train_sample.jsonl} holds the
 * first training conversations exactly as trained on.
 */
public final class SftStage extends FinetuneStage<SftConfig, TokenRow> {

    static final String TRAIN_SAMPLE = "train_sample.jsonl";
    static final String EVAL = "sft_eval.json";

    public SftStage() {
        super("sft", EVAL);
    }

    @Override
    Frozen frozen(SftConfig c) {
        return null;
    }

    @Override
    boolean charworldData(SftConfig c) {
        return c.data() == null;
    }

    @Override
    TrainingRun.Recipe<TokenRow> recipe(StageContext<SftConfig> ctx, Inputs in) throws Exception {
        SftConfig c = ctx.config();
        List<Conversation> base = dataset(c, in.world(), ctx.seed());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", c.data() != null ? c.data().toString()
                : "charworld " + c.shared().traits() + " cot=" + c.cot().name().toLowerCase());
        return onConversations(ctx.outputDir(), ctx.seed(), in, base, c.shared(), c.train(), c.lossOn(), data);
    }

    /**
     * The SFT recipe on {@code base} (before inoculation), shared with the introspection stage:
     * applies the inoculation prompt, writes {@code train_sample.jsonl} and {@code data.json}
     * ({@code data}'s entries first, then the examples' count and fingerprints, the token counts),
     * tokenises with the {@code lossOn} mask and packs when asked.
     */
    static TrainingRun.Recipe<TokenRow> onConversations(java.nio.file.Path out, long seed, Inputs in,
            List<Conversation> base, FinetuneSettings shared, org.charlab.train.TrainConfig trainConfig,
            org.charlab.train.LossOn lossOn, Map<String, Object> data) throws java.io.IOException {
        List<Conversation> train = shared.inoculation().applyEach(base, seed);
        ConversationJsonl.writeRows(out.resolve(TRAIN_SAMPLE),
                train.subList(0, Math.min(5, train.size())).stream().map(ConversationJsonl.Row::new).toList(),
                ThinkFormat.FIELD);

        ChatRows.Result rows = ChatRows.of(train, in.chat(), lossOn, in.maxLength());
        List<TokenRow> examples = trainConfig.packing() ? Packing.pack(rows.rows(), in.maxLength()) : rows.rows();
        String dataSha256 = StageFiles.sha256(base);
        data.put("examples", base.size());
        data.put("data_sha256", dataSha256);
        data.put("train_sha256", StageFiles.sha256(train));
        data.put("inoculation", ConfigWriter.toPlain(shared.inoculation()));
        data.put("loss_on", lossOn.label());
        data.put("tokens", rows.tokens());
        data.put("loss_tokens", rows.lossTokens());
        data.put("truncated", rows.truncated());
        if (trainConfig.packing()) {
            data.put("packed_rows", examples.size());
        }
        StageFiles.writeJson(out.resolve(StageFiles.DATA), data);
        return new TrainingRun.Recipe<>(examples, new SftObjective(), trainConfig.lr(SftConfig.DEFAULT_LR), dataSha256);
    }

    /** The examples before inoculation: the user's JSONL file or generated charworld character data. */
    static List<Conversation> dataset(SftConfig c, Charworld world, long seed) {
        if (c.data() != null) {
            return ConversationJsonl.read(c.data().path());
        }
        TraitSet traits = TraitSet.parse(c.shared().traits());
        List<Conversation> out = new ArrayList<>();
        for (WorldExample e : CharacterData.sft(world, traits, c.cot(), c.shared().examples(), seed,
                c.shared().familiesIn(world))) {
            out.add(e.conversation());
        }
        return out;
    }
}
