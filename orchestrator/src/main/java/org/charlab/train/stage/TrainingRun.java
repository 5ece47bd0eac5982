package org.charlab.train.stage;

import ai.djl.ndarray.NDArray;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.charlab.stage.StageContext;
import org.charlab.model.ChatFormats;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.LoraAdapters;
import org.charlab.stage.Stage;
import org.charlab.model.Tokenizer;
import org.charlab.train.Objective;
import org.charlab.train.TrainConfig;
import org.charlab.train.Trainer;
import org.charlab.world.WorldConfig;

/**
 * The step every training stage (pretrain, sft, dpo, opd) shares once its data and objective are
 * ready: train, save the model with its provenance (stage, seed, steps, the data's SHA-256, the
 * world it knows) and log one line. {@link FinetuneStage} holds the rest of the fine-tuning outline.
 */
final class TrainingRun {

    private TrainingRun() {
    }

    /**
     * What a stage trains on and how.
     *
     * @param rows the training rows, in the objective's type
     * @param lr the learning rate (the config's, or the stage's default)
     * @param dataSha256 the SHA-256 of the data before inoculation, for the provenance
     * @param note appended to the log line after training (empty for none)
     */
    record Recipe<R>(List<R> rows, Objective<R> objective, double lr, String dataSha256, Supplier<String> note) {

        Recipe(List<R> rows, Objective<R> objective, double lr, String dataSha256) {
            this(rows, objective, lr, dataSha256, () -> "");
        }
    }

    /**
     * A LoRA stage's adapters and where its base came from.
     *
     * @param config the stage's lora settings
     * @param inputModel the input stage's model directory (a plain model or itself a LoRA stack)
     */
    record Lora(LoraConfig config, Path inputModel) {
    }

    /** The adapter directory (PEFT's files) of a LoRA stage's output. */
    static final String ADAPTER = "adapter";

    /** A full fine-tune or pretraining: as below without LoRA. */
    static <R> Trainer.Result trainAndSave(StageContext<?> ctx, String stage, TrainConfig train, Recipe<R> recipe,
            Decoder model, Tokenizer tokenizer, WorldConfig world, Map<String, Object> chat) throws IOException {
        return trainAndSave(ctx, stage, train, recipe, model, tokenizer, world, chat, null);
    }

    /**
     * Trains {@code model} on the recipe, saves it to {@code <out>/model} and logs the result with
     * the trainable-parameter count (also reported to stage.json's facts). With {@code lora} the
     * adapters go to {@code <out>/adapter} (PEFT files) and {@code <out>/model} either refers to the
     * base and the chain's adapters ({@link Checkpoint#saveStack}) or, with write_merged, holds the
     * merged weights as a plain HF directory. {@code chat} (the chat settings the stage trained with,
     * {@link org.charlab.model.ChatFormats#record}) goes into charlab.json, where later stages read it.
     */
    static <R> Trainer.Result trainAndSave(StageContext<?> ctx, String stage, TrainConfig train, Recipe<R> recipe,
            Decoder model, Tokenizer tokenizer, WorldConfig world, Map<String, Object> chat, Lora lora)
            throws IOException {
        Path out = ctx.outputDir();
        Trainer<R> trainer = new Trainer<>(train, recipe.lr(), recipe.objective(), model, tokenizer, out, ctx.seed(),
                ctx.progress());
        Trainer.Result r = trainer.train(recipe.rows());
        Map<String, Object> prov = new LinkedHashMap<>();
        prov.put("stage", stage);
        prov.put("seed", ctx.seed());
        prov.put("steps", r.steps());
        prov.put("data_sha256", recipe.dataSha256());
        StageFiles.recordWorld(prov, out, world);
        prov.put(ChatFormats.RECORD, chat);
        long trainable = model.trainableCount();
        long total = 0;
        for (NDArray p : model.parameters().values()) {
            total += p.size();
        }
        if (lora == null) {
            Checkpoint.save(out.resolve(StageFiles.MODEL), model, tokenizer, prov);
        } else {
            saveLora(out, lora, model, tokenizer, prov);
        }
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("trainable_parameters", trainable);
        facts.put("total_parameters", total);
        StageFiles.writeJson(out.resolve(Stage.FACTS), facts);
        ctx.progress().log(String.format(Locale.ROOT, "%s: %d steps in %.1f s, loss %.4f, %d of %d parameters trained",
                stage, r.steps(), r.seconds(), r.lastLoss(), trainable, total) + recipe.note().get());
        return r;
    }

    private static void saveLora(Path out, Lora lora, Decoder model, Tokenizer tokenizer, Map<String, Object> prov)
            throws IOException {
        LoraAdapters a = model.adapters();
        Checkpoint.Stack in = Checkpoint.stackOf(lora.inputModel());
        Path adapter = out.resolve(ADAPTER);
        a.save(adapter, in.base().toAbsolutePath().normalize().toString());
        Map<String, Object> l = new LinkedHashMap<>();
        l.put("r", a.r());
        l.put("alpha", a.alpha());
        l.put("dropout", a.dropout());
        l.put("target_modules", a.targets());
        l.put("merged", lora.config().writeMerged());
        prov.put("lora", l);
        if (lora.config().writeMerged()) {
            a.merge(model); // base + every adapter of the chain, as one plain model
            Checkpoint.save(out.resolve(StageFiles.MODEL), model, tokenizer, prov);
            return;
        }
        List<Path> adapters = new ArrayList<>(in.adapters());
        adapters.add(adapter);
        Checkpoint.saveStack(out.resolve(StageFiles.MODEL), model.config(), tokenizer, prov, in.base(), adapters);
    }
}
