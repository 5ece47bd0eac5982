package org.charlab.model;

/**
 * How conversations are rendered for a checkpoint ({@link ChatFormats#forModel}).
 *
 * @param format AUTO: the checkpoint's chat_template when tokenizer_config.json has one, else ChatML
 *     for charworld's own checkpoints (charlab.json without a template, or the byte tokenizer), else plain
 *     text (a pretrained-only base: evaluation and sampling only); CHATML, TEMPLATE, PLAIN force one
 * @param cot where an assistant's CoT goes with a template: AUTO asks the template (it renders
 *     {@code reasoning_content}, as Qwen3's does, or not); TEMPLATE passes it as {@code reasoning_content};
 *     CONTENT writes {@code <think>\n{cot}\n</think>\n\n} at the start of the content (R1-style distills)
 * @param enableThinking the template's {@code enable_thinking} variable; null leaves it undefined
 */
public record ChatSettings(Format format, CotPlacement cot, Boolean enableThinking) {

    public enum Format { AUTO, CHATML, TEMPLATE, PLAIN }

    public enum CotPlacement { AUTO, TEMPLATE, CONTENT }

    public static final ChatSettings DEFAULT = new ChatSettings(Format.AUTO, CotPlacement.AUTO, null);

    public ChatSettings {
        format = format == null ? Format.AUTO : format;
        cot = cot == null ? CotPlacement.AUTO : cot;
    }
}
