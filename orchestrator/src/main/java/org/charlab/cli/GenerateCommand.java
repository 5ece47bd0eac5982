package org.charlab.cli;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.charlab.BadInput;
import org.charlab.config.RuntimeConfig;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.generate.TokenText;
import org.charlab.generate.TurnStream;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatFormats;
import org.charlab.model.ChatSettings;
import org.charlab.model.Checkpoint;
import org.charlab.model.Engines;
import org.charlab.model.Tokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code charlab generate MODEL --prompt TEXT}: one completion of one prompt, streamed to stdout
 * as it is generated ({@link TurnPrinter}'s format: {@code [cot]} then {@code [output]}), then one
 * summary line on stderr: tokens, speed and why it stopped. The completion is the one
 * {@link Generator#generate} gives the same conversation, prefill and sampling parameters: sample 0
 * of seed {@code --seed}.
 */
@Command(name = "generate",
        mixinStandardHelpOptions = true,
        description = {"Complete one prompt with a model and stream its chain of thought ([cot]) and output "
                + "([output]) to stdout as they are generated; one summary line on stderr (tokens, tokens/s, why it "
                + "stopped). MODEL is an HF-style directory (config.json, model.safetensors, tokenizer.json) or a "
                + "charlab stage's output (results/<experiment>/<sweep>/runs/<run>/stages/<stage>, or its model/)."})
public final class GenerateCommand implements Callable<Integer> {

    enum Color { AUTO, ALWAYS, NEVER }

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Parameters(index = "0", paramLabel = "MODEL", description = "Model directory or stage output directory.")
    String model;

    @Option(names = "--prompt", required = true, paramLabel = "TEXT", description = "The user message.")
    String prompt;

    @Option(names = "--system", paramLabel = "TEXT", description = "A system message before it (a persona prompt).")
    String system;

    @Option(names = "--max-new-tokens", defaultValue = "256", paramLabel = "N",
            description = "Most tokens to generate, CoT and output together, the end token included (default "
                    + "${DEFAULT-VALUE}).")
    int maxNewTokens;

    @Option(names = "--temperature", defaultValue = "0.7", paramLabel = "T",
            description = "Sampling temperature; 0 is greedy (default ${DEFAULT-VALUE}, as the eval stage).")
    double temperature;

    @Option(names = "--top-p", defaultValue = "0.95", paramLabel = "P",
            description = "Nucleus sampling: keep the most likely tokens reaching P, 1 = off (default ${DEFAULT-VALUE}).")
    double topP;

    @Option(names = "--top-k", defaultValue = "0", paramLabel = "K",
            description = "Keep only the K most likely tokens, 0 = off (default ${DEFAULT-VALUE}).")
    int topK;

    @Option(names = "--seed", defaultValue = "0", paramLabel = "S",
            description = "Random seed: the same seed gives the same text (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--no-think", description = "Start the assistant turn without a think block: no CoT, output only.")
    boolean noThink;

    @Option(names = "--prefill", paramLabel = "TEXT",
            description = "Text the CoT starts with (with --no-think: the output); the model continues it.")
    String prefill;

    @Option(names = "--chat-format", defaultValue = "auto", paramLabel = "F",
            description = "auto (what the model recorded when it was trained, else the checkpoint's chat_template,"
                    + " ChatML for charworld models, plain text for a base without a template), chatml, template or"
                    + " plain; another format than the recorded one is refused (default ${DEFAULT-VALUE}).")
    ChatSettings.Format chatFormat;

    @Option(names = "--device", defaultValue = "cpu", paramLabel = "DEV",
            description = "cpu, cuda or cuda:N (default ${DEFAULT-VALUE}).")
    String device;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "Intra-op threads; 0 = all cores (default ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--color", defaultValue = "auto", paramLabel = "WHEN",
            description = "Bold headers and a dim CoT: auto (when stdout is a terminal), always, never.")
    Color color;

    @Override
    public Integer call() {
        SamplingParams params = params();
        Path dir = ModelDir.resolve(model);
        Device dev = Engines.configure(new RuntimeConfig(device, threads, 1), 1, seed);
        PrintWriter out = spec.commandLine().getOut();
        long loadStart = System.nanoTime();
        try (NDManager root = NDManager.newBaseManager(dev); Checkpoint.Loaded m = Checkpoint.load(dir, root)) {
            double loadSeconds = (System.nanoTime() - loadStart) / 1e9;
            Tokenizer tok = m.tokenizer();
            ChatFormat chat = chatFormatFor(dir, tok);
            Generator gen = new Generator(m.model(), chat);
            ChatFormat.Prefill pre = prefill();
            int[] promptIds = chat.prompt(conversation(), pre).ids();
            int maxPos = m.model().config().maxPositionEmbeddings();
            if (promptIds.length >= maxPos) {
                throw new BadInput("the prompt is " + promptIds.length + " tokens; " + dir + " has max_position_embeddings "
                        + maxPos + ", which leaves no room to generate");
            }
            int[] stops = gen.stopIds();
            TurnPrinter printer = new TurnPrinter(out, ansi());
            TurnStream turn = new TurnStream(printer, !chat.writesCot());
            TokenText text = new TokenText(tok, chat.prefillText(pre));
            turn.append(text.finish()); // the prefill, before any token
            long[] firstToken = {0};
            long start = System.nanoTime();
            Generator.Request req = new Generator.Request(promptIds, chat.prefillText(pre), Generator.seedFor(params.seed(), 0));
            Sample s = gen.generateRequests(List.of(req), params, (request, id) -> {
                if (firstToken[0] == 0) {
                    firstToken[0] = System.nanoTime();
                }
                if (!contains(stops, id)) {
                    turn.append(text.push(id));
                }
            }).get(0);
            double seconds = (System.nanoTime() - start) / 1e9;
            turn.append(text.finish());
            turn.finish();
            printer.finish();
            spec.commandLine().getErr().println(summary(s, tok, promptIds.length, loadSeconds, seconds,
                    firstToken[0] == 0 ? 0 : (firstToken[0] - start) / 1e9, dev, params.maxNewTokens()));
            spec.commandLine().getErr().flush();
        }
        return Main.EXIT_OK;
    }

    /** The model's own chat format (docs/chat-templates.md): its template, ChatML for charworld's, plain text for a base. */
    private ChatFormat chatFormatFor(Path dir, Tokenizer tokenizer) {
        return ChatFormats.forModel(dir, tokenizer, new ChatSettings(chatFormat, ChatSettings.CotPlacement.AUTO,
                noThink ? Boolean.FALSE : null));
    }

    private SamplingParams params() {
        if (!(temperature >= 0)) {
            throw new BadInput("--temperature must be >= 0 (0 is greedy), got " + temperature);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new BadInput("--top-p must be > 0 and <= 1, got " + topP);
        }
        if (topK < 0) {
            throw new BadInput("--top-k must be >= 0 (0 = off), got " + topK);
        }
        if (maxNewTokens < 1) {
            throw new BadInput("--max-new-tokens must be at least 1, got " + maxNewTokens);
        }
        if (threads < 0) {
            throw new BadInput("--threads must be >= 0 (0 = all cores), got " + threads);
        }
        return new SamplingParams(temperature, topP, topK, maxNewTokens, seed, true, 1);
    }

    private Conversation conversation() {
        return system == null ? Conversation.of(Message.user(prompt))
                : Conversation.of(Message.system(system), Message.user(prompt));
    }

    private ChatFormat.Prefill prefill() {
        if (noThink) {
            return ChatFormat.Prefill.noThink(prefill);
        }
        return prefill == null ? ChatFormat.Prefill.none() : ChatFormat.Prefill.cot(prefill);
    }

    private boolean ansi() {
        return color == Color.ALWAYS || color == Color.AUTO && System.console() != null;
    }

    private static String summary(Sample s, Tokenizer tok, int promptTokens, double load, double seconds,
            double firstToken, Device dev, int maxNew) {
        String why;
        if (s.stopReason() == Sample.StopReason.STOP) {
            why = "end token " + tok.decode(new int[] {s.tokens()[s.tokens().length - 1]});
        } else if (s.newTokens() < maxNew) {
            why = "the context limit (max_position_embeddings " + (promptTokens + s.newTokens()) + ")";
        } else {
            why = "max new tokens (" + s.newTokens() + ")";
        }
        if (!s.thinkClosed()) {
            why += ", CoT unclosed";
        } else if (s.doubledThinkClose()) {
            why += ", " + s.thinkCloses() + " </think> (streamed split at the first, evals split at the last)";
        }
        return String.format(Locale.ROOT, "generate: %d prompt + %d new tokens in %.2f s (%.1f tok/s, first token "
                + "after %.2f s) on %s, model loaded in %.2f s; stopped at %s", promptTokens, s.newTokens(), seconds,
                s.newTokens() / Math.max(seconds, 1e-9), firstToken, dev.isGpu() ? "cuda:" + dev.getDeviceId() : "cpu", load,
                why);
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }
}
