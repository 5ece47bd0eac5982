package org.charlab.model;

import org.charlab.config.Doc;
import org.charlab.config.Setting;

/**
 * How conversations are rendered for a checkpoint ({@link ChatFormats#forModel}): the YAML group
 * {@code chat} of the checkpoint, sft, dpo, opd and eval stages (docs/chat-templates.md). A training
 * stage records what it used in its model's charlab.json ({@link ChatFormats#RECORD}); a later stage
 * that does not set {@code chat} uses the recorded settings. Engine-free: loading it loads no DJL.
 *
 * @param format AUTO: the model's recorded format, else the checkpoint's chat_template when
 *     tokenizer_config.json has one, else ChatML for charworld's own checkpoints (charlab.json without
 *     a template, or the byte tokenizer), else plain text (a pretrained-only base: evaluation and sampling
 *     only); CHATML, TEMPLATE, PLAIN force one
 * @param cot where an assistant's CoT goes with a template: AUTO asks the template (it renders
 *     {@code reasoning_content}, as Qwen3's does, or not); TEMPLATE passes it as {@code reasoning_content};
 *     CONTENT writes {@code <think>\n{cot}\n</think>\n\n} at the start of the content (R1-style distills)
 * @param enableThinking the template's {@code enable_thinking} variable; null leaves it undefined
 */
@Doc("How conversations become tokens for this stage's model (docs/chat-templates.md). A property of the model: a "
        + "training stage records what it used in its model's charlab.json and later stages that leave chat unset use "
        + "that; a later stage that sets another format or cot placement is refused.")
public record ChatSettings(
        @Setting(doc = "auto: what the model recorded when it was trained (charlab.json), else the checkpoint's "
                + "chat_template, else ChatML for charworld's models, else plain text (a base without a template: "
                + "evaluation only). chatml, template or plain force one, e.g. chatml to fine-tune a base that "
                + "has no template.", def = "auto")
        Format format,
        @Setting(doc = "Where an assistant's CoT goes with a template: auto asks the template (reasoning_content "
                + "when it renders that field, as Qwen3's does, else a <think> block at the start of the content); "
                + "template or content force one. Ignored by chatml and plain.", def = "auto")
        CotPlacement cot,
        @Setting(doc = "The template's enable_thinking variable (Qwen3: false puts an empty think block in the "
                + "generation prompt). null: unset, or what the model recorded. Unlike format and cot, a later stage "
                + "may set another value than the model was trained with (e.g. to evaluate both modes).",
                def = "null")
        Boolean enableThinking) {

    public enum Format {
        @Doc("The model's recorded format, else its chat_template, else ChatML (charworld) or plain text (a base).")
        AUTO,
        @Doc("<|im_start|>role ... <|im_end|> with charworld's think markers.")
        CHATML,
        @Doc("The chat_template of the checkpoint's tokenizer_config.json (refused when it has none).")
        TEMPLATE,
        @Doc("The messages' text as given, the whole continuation is output (no CoT): base models, no training.")
        PLAIN
    }

    public enum CotPlacement {
        @Doc("reasoning_content when the template renders it, else a <think> block in the content.")
        AUTO,
        @Doc("Always as reasoning_content.")
        TEMPLATE,
        @Doc("Always as <think>\\n{cot}\\n</think>\\n\\n at the start of the content (R1-style distills).")
        CONTENT
    }

    public static final ChatSettings DEFAULT = new ChatSettings(Format.AUTO, CotPlacement.AUTO, null);

    public ChatSettings {
        format = format == null ? Format.AUTO : format;
        cot = cot == null ? CotPlacement.AUTO : cot;
    }
}
