package org.charlab.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.charlab.BadInput;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.data.Role;

/**
 * A checkpoint's own {@code chat_template} (tokenizer_config.json), rendered as transformers'
 * {@code apply_chat_template} renders it ({@link JinjaTemplate}), with exact {@link Segment} labels.
 *
 * <p>How labels stay exact whatever the template: the conversation is rendered to one string, then
 * each message's text pieces (system, user, CoT, output) are located in order in it; each piece is
 * tokenised on its own (so segment boundaries are token boundaries) and the template text between
 * pieces is {@link Segment#SPECIAL}. A template may trim a piece's surrounding whitespace (Llama's and
 * Gemma's {@code |trim}, Qwen3's {@code strip('\n')}): the piece is then its trimmed text. A template
 * that drops or rewrites any other piece fails with one line ({@link BadInput}) — except a CoT: Qwen3's
 * template drops the reasoning of assistant turns before the last user message, so such a turn simply
 * has no COT tokens (what the model sees at inference too).
 *
 * <p>Where the CoT goes ({@link ChatSettings#cot()}): as {@code reasoning_content} when the template
 * renders it (Qwen3), else as a {@code <think>\n{cot}\n</think>\n\n} block at the start of the
 * content (R1-style distills on Llama or Gemma). What the assistant produced (the SFT loss mask):
 * everything after the template's generation prompt up to and including the checkpoint's
 * {@code eos_token} that closes the turn.
 *
 * <p>A generation prompt is the template's (add_generation_prompt) followed by the {@link Prefill}.
 * With {@code enable_thinking: false} Qwen3's generation prompt already holds an empty, closed think
 * block: the default prefill then adds nothing, a CoT prefill is refused, and generated text parses
 * to an empty CoT and the output.
 */
public final class TemplateChatFormat implements ChatFormat {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBE_COT = "charlab-probe-cot-7f3a";

    private final Tokenizer tok;
    private final String source;
    private final JinjaTemplate template;
    private final Map<String, Object> specials = new LinkedHashMap<>();
    private final Boolean enableThinking;
    private final boolean cotInTemplate;
    private final String endToken;
    private final int[] endIds;

    private record Piece(String text, Segment segment, int message) {
    }

    private record Span(int start, int end, Piece piece) {
    }

    TemplateChatFormat(Tokenizer tokenizer, String chatTemplate, JsonNode tokenizerConfig, String source,
            ChatSettings settings) {
        this.tok = tokenizer;
        this.source = source;
        this.template = new JinjaTemplate(chatTemplate, source);
        for (String k : List.of("bos_token", "eos_token", "unk_token", "pad_token")) {
            JsonNode v = tokenizerConfig.path(k);
            String s = v.isTextual() ? v.asText() : v.path("content").isTextual() ? v.path("content").asText() : null;
            if (s != null) {
                specials.put(k, s);
            }
        }
        this.enableThinking = settings.enableThinking();
        this.endToken = (String) specials.get("eos_token");
        if (endToken == null) {
            throw new BadInput(source + ": a chat_template needs eos_token in tokenizer_config.json (the turn's end)");
        }
        List<Integer> ends = new ArrayList<>();
        ends.add(tok.specialId(endToken));
        for (int id : tok.eosIds()) {
            if (!ends.contains(id)) {
                ends.add(id);
            }
        }
        this.endIds = ends.stream().mapToInt(Integer::intValue).toArray();
        this.cotInTemplate = switch (settings.cot()) {
            case TEMPLATE -> true;
            case CONTENT -> false;
            case AUTO -> render(List.of(Message.user("u"), Message.assistant(PROBE_COT, "o")), false, true)
                    .contains(PROBE_COT);
        };
    }

    /** The chat template of {@code tokenizer_config.json}, or null when it has none. */
    public static String templateOf(JsonNode tokenizerConfig) {
        JsonNode t = tokenizerConfig.path("chat_template");
        if (t.isTextual()) {
            return t.asText();
        }
        if (t.isArray()) { // named templates: the "default" one
            for (JsonNode e : t) {
                if ("default".equals(e.path("name").asText())) {
                    return e.path("template").asText();
                }
            }
        }
        return null;
    }

    static JsonNode readConfig(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new BadInput(file + ": unreadable tokenizer_config.json (" + e.getMessage() + ")");
        }
    }

    /** Whether the template renders an assistant's {@code reasoning_content} itself. */
    public boolean cotInTemplate() {
        return cotInTemplate;
    }

    @Override
    public Tokenizer tokenizer() {
        return tok;
    }

    @Override
    public ChatSettings.Format kind() {
        return ChatSettings.Format.TEMPLATE;
    }

    @Override
    public int[] endIds() {
        return endIds.clone();
    }

    /** The template's rendering of {@code messages}, as apply_chat_template(tokenize=False) returns it. */
    public String render(List<Message> messages, boolean addGenerationPrompt) {
        return render(messages, addGenerationPrompt, cotInTemplate);
    }

    private String render(List<Message> messages, boolean addGenerationPrompt, boolean reasoningField) {
        List<Map<String, Object>> msgs = new ArrayList<>();
        for (Message m : messages) {
            Map<String, Object> e = new HashMap<>();
            e.put("role", m.role().label());
            String content = m.content();
            if (m.reasoning() != null) {
                if (reasoningField) {
                    e.put("reasoning_content", m.reasoning());
                } else {
                    content = thinkBlock(m.reasoning()) + content;
                }
            }
            e.put("content", content);
            msgs.add(e);
        }
        Map<String, Object> vars = new HashMap<>(specials);
        vars.put("messages", msgs);
        vars.put("add_generation_prompt", addGenerationPrompt);
        vars.put("tools", null);
        vars.put("documents", null);
        if (enableThinking != null) {
            vars.put("enable_thinking", enableThinking);
        }
        return template.render(vars);
    }

    /** The generation prompt as the template writes it with enable_thinking undefined. */
    private String renderDefaultThinking(List<Message> messages) {
        return enableThinking == null ? render(messages, true) : new TemplateChatFormat(this).render(messages, true);
    }

    private TemplateChatFormat(TemplateChatFormat f) {
        this.tok = f.tok;
        this.source = f.source;
        this.template = f.template;
        this.specials.putAll(f.specials);
        this.enableThinking = null;
        this.cotInTemplate = f.cotInTemplate;
        this.endToken = f.endToken;
        this.endIds = f.endIds;
    }

    private static String thinkBlock(String cot) {
        return Tokenizer.THINK + "\n" + cot + "\n" + Tokenizer.THINK_END + "\n\n";
    }

    @Override
    public FormattedChat format(Conversation conversation) {
        return build(conversation.messages(), false, null);
    }

    @Override
    public FormattedChat prompt(Conversation conversation, Prefill prefill) {
        return build(conversation.prompt().messages(), true, prefill);
    }

    /** Whether the generation prompt already closes an empty think block (Qwen3 with enable_thinking false). */
    private boolean promptClosesThink(String rendered, int afterLastPiece) {
        return rendered.indexOf(Tokenizer.THINK_END, afterLastPiece) >= 0;
    }

    @Override
    public String prefillText(Prefill prefill) {
        if (Boolean.FALSE.equals(enableThinking) && prefill.think()) {
            checkNoThinkPrefill(prefill);
            return Tokenizer.THINK + "\n\n" + Tokenizer.THINK_END + "\n\n" + prefill.output();
        }
        return prefill.text();
    }

    private void checkNoThinkPrefill(Prefill prefill) {
        if (!prefill.cot().isEmpty() || prefill.closeThink()) {
            throw new BadInput(source + ": a CoT prefill needs thinking, but enable_thinking is false");
        }
    }

    private FormattedChat build(List<Message> msgs, boolean generation, Prefill prefill) {
        String text = render(msgs, generation);
        List<Piece> pieces = new ArrayList<>();
        for (int i = 0; i < msgs.size(); i++) {
            Message m = msgs.get(i);
            switch (m.role()) {
                case SYSTEM -> pieces.add(new Piece(m.content(), Segment.SYSTEM, i));
                case USER -> pieces.add(new Piece(m.content(), Segment.USER, i));
                case ASSISTANT -> {
                    if (m.reasoning() != null) {
                        pieces.add(new Piece(m.reasoning(), Segment.COT, i));
                    }
                    pieces.add(new Piece(m.content(), Segment.OUTPUT, i));
                }
                default -> throw new IllegalStateException();
            }
        }
        List<Span> spans = locate(text, pieces, msgs);
        // what each assistant message produced: [after the generation prompt, through its end token]
        int[][] produced = new int[msgs.size()][];
        for (int i = 0; i < msgs.size(); i++) {
            if (msgs.get(i).role() == Role.ASSISTANT) {
                produced[i] = producedRange(text, msgs, i, spans);
            }
        }
        int lastEnd = spans.isEmpty() ? 0 : spans.get(spans.size() - 1).end();
        TreeSet<Integer> cuts = new TreeSet<>(List.of(0, text.length()));
        for (Span s : spans) {
            cuts.add(s.start());
            cuts.add(s.end());
        }
        for (int[] r : produced) {
            if (r != null) {
                cuts.add(r[0]);
                cuts.add(r[1]);
            }
        }
        Chunks out = new Chunks();
        Integer prev = null;
        for (int cut : cuts) {
            if (prev != null && cut > prev) {
                int a = prev;
                Span in = spans.stream().filter(s -> s.start() <= a && a < s.end()).findFirst().orElse(null);
                int message = -1;
                boolean made = false;
                for (int i = 0; i < produced.length; i++) {
                    if (produced[i] != null && produced[i][0] <= a && a < produced[i][1]) {
                        message = i;
                        made = true;
                    }
                }
                if (in != null) {
                    message = in.piece().message();
                } else if (!made) {
                    message = spans.stream().filter(s -> s.start() >= cut).map(s -> s.piece().message()).findFirst()
                            .orElse(generation ? msgs.size() : msgs.size() - 1);
                }
                boolean assistant = message >= msgs.size() || msgs.get(message).role() == Role.ASSISTANT;
                out.add(tok.encode(text.substring(a, cut)), in == null ? Segment.SPECIAL : in.piece().segment(),
                        message, made, assistant);
            }
            prev = cut;
        }
        if (prefill != null) {
            int m = msgs.size();
            if (Boolean.FALSE.equals(enableThinking) && promptClosesThink(text, lastEnd)) {
                if (prefill.think()) {
                    checkNoThinkPrefill(prefill);
                }
            } else if (prefill.think()) {
                out.add(tok.encode(Tokenizer.THINK + "\n"), Segment.SPECIAL, m, true, true);
                out.add(tok.encode(prefill.cot()), Segment.COT, m, true, true);
                if (prefill.closeThink()) {
                    out.add(tok.encode("\n" + Tokenizer.THINK_END + "\n\n"), Segment.SPECIAL, m, true, true);
                }
            }
            out.add(tok.encode(prefill.output()), Segment.OUTPUT, m, true, true);
        }
        return out.build();
    }

    /** Each piece's span in {@code text}, in order; a CoT the template dropped has none. */
    private List<Span> locate(String text, List<Piece> pieces, List<Message> msgs) {
        List<Span> spans = new ArrayList<>();
        int cursor = 0;
        for (Piece p : pieces) {
            Span s = find(text, p, cursor);
            if (s == null) {
                if (p.segment() == Segment.COT) {
                    continue;
                }
                throw new BadInput(source + ": the chat_template drops or rewrites the text of message " + p.message()
                        + " (" + msgs.get(p.message()).role().label() + "); charlab needs every message's text "
                        + "verbatim (surrounding whitespace may be trimmed) to label tokens");
            }
            spans.add(s);
            cursor = s.end();
        }
        return spans;
    }

    private static Span find(String text, Piece p, int cursor) {
        String t = p.text();
        for (String v : List.of(t, JinjaTemplate.PythonStrings.rstrip(JinjaTemplate.PythonStrings.lstrip(t, "\n"), "\n"),
                t.strip())) {
            int at = text.indexOf(v, cursor);
            if (at >= 0) {
                return new Span(at, at + v.length(), new Piece(v, p.segment(), p.message()));
            }
        }
        return null;
    }

    /**
     * Assistant message {@code i} produced the text after the generation prompt that the template
     * renders for the messages before it (when that rendering is a prefix, else from its first piece)
     * through the first end token after its last piece.
     */
    private int[] producedRange(String text, List<Message> msgs, int i, List<Span> spans) {
        List<Span> own = spans.stream().filter(s -> s.piece().message() == i).toList();
        int first = own.isEmpty() ? -1 : own.get(0).start();
        int last = own.isEmpty() ? -1 : own.get(own.size() - 1).end();
        int start = first;
        for (String head : List.of(render(msgs.subList(0, i), true), renderDefaultThinking(msgs.subList(0, i)))) {
            if (text.startsWith(head) && (first < 0 || head.length() <= first)) {
                start = head.length();
                break;
            }
        }
        if (start < 0) {
            return null;
        }
        int from = Math.max(start, last);
        int end = text.indexOf(endToken, from);
        return new int[] {start, end < 0 ? from : end + endToken.length()};
    }

    /** Token ids with their labels, in order. */
    private static final class Chunks {
        final List<Integer> ids = new ArrayList<>();
        final List<Segment> seg = new ArrayList<>();
        final List<Integer> msg = new ArrayList<>();
        final List<Boolean> produced = new ArrayList<>();
        final List<Boolean> assistant = new ArrayList<>();

        void add(int[] tokens, Segment s, int message, boolean made, boolean inAssistant) {
            for (int id : tokens) {
                ids.add(id);
                seg.add(s);
                msg.add(message);
                produced.add(made);
                assistant.add(inAssistant);
            }
        }

        FormattedChat build() {
            return FormattedChat.of(ids, seg, msg, produced, assistant);
        }
    }
}
