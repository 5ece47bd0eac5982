package org.charlab.train.stage;

import java.util.Map;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ModelConfig;
import org.charlab.stage.AbstractStageKind;
import org.charlab.stage.MemoryEstimate;
import org.charlab.stage.PlannedModel;
import org.charlab.stage.Stage;

/** {@code type: pretrain}. Loading this class loads no engine class: only {@link #create()} does. */
public final class PretrainKind extends AbstractStageKind<PretrainConfig> {

    public PretrainKind() {
        super("pretrain",
                "Pretrains a base model from scratch on a charworld corpus and measures it",
                PretrainConfig.class, 1, true);
    }

    /** The decoder model: describes, with the tokenizer's vocabulary (byte: 264 ids; bpe: vocab_size). */
    @Override
    public PlannedModel plannedModel(PretrainConfig c, Map<String, PlannedModel> inputs) {
        return StageMemory.planned(model(c.model()));
    }

    /** Training from scratch: every parameter trained, no frozen model; the closing evaluation generates. */
    @Override
    public MemoryEstimate memory(PretrainConfig c, Map<String, PlannedModel> inputs) {
        ModelConfig m = model(c.model());
        return StageMemory.training(m, null, 0,
                StageMemory.stepFloats(m, StageMemory.rows(m, c.train()), StageMemory.rowLength(m, c.train()), 0, 0),
                StageMemory.checkFloats(m, c.evalPrompts(), c.evalMaxNewTokens()));
    }

    /** The ModelConfig PretrainStage builds from the shape (its vocabulary is the tokenizer's). */
    static ModelConfig model(ModelShape s) {
        int vocab = s.tokenizer() == TokenizerKind.BYTE ? ByteTokenizer.VOCAB_SIZE : s.vocabSize();
        return new ModelConfig(s.modelType(), s.hiddenSize(), s.numHiddenLayers(), s.numAttentionHeads(),
                s.numKeyValueHeads(), s.headDim(), s.intermediateSize(), s.ropeTheta(), 1e-5, vocab,
                s.maxPositionEmbeddings(), s.tieWordEmbeddings(), false, false).withArchitecture(s.modelType())
                .withTiedEmbeddings(s.tieWordEmbeddings());
    }

    @Override
    public Stage<PretrainConfig> create() {
        return new PretrainStage();
    }
}
