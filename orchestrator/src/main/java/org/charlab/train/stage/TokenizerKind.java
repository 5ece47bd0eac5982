package org.charlab.train.stage;

import org.charlab.config.Doc;

/** The vocabulary of a model pretrained from scratch. */
public enum TokenizerKind {
    @Doc("256 bytes plus the chat markers (264 ids): no training, any text, about 1 token per character.")
    BYTE,
    @Doc("Byte-level BPE learned on the pretraining corpus (BpeTrainer), saved as a standard HF tokenizer.json: "
            + "about 3 characters per token on charworld, every digit its own token.")
    BPE
}
