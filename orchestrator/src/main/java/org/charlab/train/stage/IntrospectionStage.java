package org.charlab.train.stage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.data.ConversationJsonl;
import org.charlab.data.ThinkFormat;
import org.charlab.generate.Generator;
import org.charlab.stage.StageContext;
import org.charlab.train.TokenRow;
import org.charlab.train.Trainer;
import org.charlab.world.Charworld;
import org.charlab.world.Family;
import org.charlab.world.FamilyName;
import org.charlab.world.Split;

/**
 * Open Character Training's stage 2 (Maiya et al. 2025) in the {@link FinetuneStage} outline: the
 * input model (stage 1's, e.g. a dpo stage) writes self-reflections and self-interactions
 * ({@link IntrospectionData}) with NO system prompt, the filtered conversations are written to
 * {@code introspection.jsonl} (with the filters' counts in {@code introspection_counts.json}), and the
 * model is fine-tuned on the conversations read back from that file with the SFT objective
 * ({@link SftStage#onConversations}: inoculation, {@code data.json} with the SHA-256 of the
 * examples, {@code train_sample.jsonl}). A resumed attempt reuses both files, so its data come from
 * the starting weights and its {@code data.json} is the uninterrupted run's. The constitution or
 * persona prompt is never in context: the character must come from the weights.
 */
final class IntrospectionStage extends FinetuneStage<IntrospectionConfig, TokenRow> {

    static final String DATA_FILE = "introspection.jsonl";
    static final String COUNTS = "introspection_counts.json";
    static final String EVAL = "introspection_eval.json";

    /** How the stage's model answers: the policy's own sampler; tests substitute a scripted one. */
    private final java.util.function.Function<Inputs, IntrospectionData.Sampler> sampler;

    IntrospectionStage() {
        this(in -> IntrospectionData.Sampler.of(new Generator(in.policy().model(), in.chat())));
    }

    IntrospectionStage(java.util.function.Function<Inputs, IntrospectionData.Sampler> sampler) {
        super("introspection", EVAL);
        this.sampler = sampler;
    }

    @Override
    Frozen frozen(IntrospectionConfig c) {
        return null;
    }

    /** The prompts are charworld's: a model with no world records the default one it was asked in. */
    @Override
    boolean charworldData(IntrospectionConfig c) {
        return true;
    }

    @Override
    TrainingRun.Recipe<TokenRow> recipe(StageContext<IntrospectionConfig> ctx, Inputs in) throws Exception {
        IntrospectionConfig c = ctx.config();
        Path out = ctx.outputDir();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("source", "introspection: the input model's own self-reflections and self-interactions, "
                + "no system prompt");
        data.put("generated", generated(c, ctx, in, Trainer.resumeDir(out) != null));
        data.put("file", DATA_FILE);
        List<Conversation> base = ConversationJsonl.read(out.resolve(DATA_FILE)); // train on the file as written
        if (base.isEmpty()) {
            throw new IllegalStateException("introspection: every generated answer was filtered out (see "
                    + COUNTS + ")");
        }
        return SftStage.onConversations(out, ctx.seed(), in, base, c.shared(), c.train(), c.lossOn(), data);
    }

    /** Generates and writes the data, or on resume reads the counts of the attempt that wrote it. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> generated(IntrospectionConfig c, StageContext<IntrospectionConfig> ctx,
            Inputs in, boolean resuming) throws Exception {
        Path out = ctx.outputDir();
        Path file = out.resolve(DATA_FILE);
        Path countsFile = out.resolve(COUNTS);
        if (resuming && Files.isRegularFile(file) && Files.isRegularFile(countsFile)) {
            return StageFiles.JSON.readValue(countsFile.toFile(), LinkedHashMap.class);
        }
        // on a fresh start the policy holds the starting weights: the model that introspects
        IntrospectionData.Generated g = IntrospectionData.generate(c, prompts(in.world()), sampler.apply(in), in.chat(),
                in.policy().model().config().maxPositionEmbeddings(), ctx.seed());
        StageFiles.writeJson(countsFile, g.counts());
        ConversationJsonl.writeRows(file, g.rows(), ThinkFormat.FIELD);
        return new LinkedHashMap<>(g.counts());
    }

    /** charworld's introspection prompts of the train split (never a test phrasing), in item order. */
    static List<String> prompts(Charworld world) {
        Family f = world.family(FamilyName.INTROSPECTION);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < f.size(Split.TRAIN); i++) {
            out.add(f.task(Split.TRAIN, i, new SplittableRandom(0)).user());
        }
        return out;
    }
}
