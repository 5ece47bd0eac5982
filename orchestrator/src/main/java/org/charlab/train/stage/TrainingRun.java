package org.charlab.train.stage;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.charlab.stage.StageContext;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
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

    /** Trains {@code model} on the recipe, saves it to {@code <out>/model} and logs the result. */
    static <R> Trainer.Result trainAndSave(StageContext<?> ctx, String stage, TrainConfig train, Recipe<R> recipe,
            Decoder model, Tokenizer tokenizer, WorldConfig world) throws IOException {
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
        Checkpoint.save(out.resolve(StageFiles.MODEL), model, tokenizer, prov);
        ctx.progress().log(String.format(Locale.ROOT, "%s: %d steps in %.1f s, loss %.4f", stage, r.steps(),
                r.seconds(), r.lastLoss()) + recipe.note().get());
        return r;
    }
}
