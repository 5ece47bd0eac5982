package org.charlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.charlab.data.Conversation;
import org.charlab.data.Message;
import org.charlab.generate.Generator;
import org.charlab.generate.Sample;
import org.charlab.generate.SamplingParams;
import org.charlab.model.ByteTokenizer;
import org.charlab.model.ChatFormat;
import org.charlab.model.ChatMlFormat;
import org.charlab.model.Checkpoint;
import org.charlab.model.Decoder;
import org.charlab.model.ModelConfig;
import org.charlab.model.TestModels;
import org.charlab.testing.CliRun;
import org.charlab.testing.RealModel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code charlab generate} on a tiny random decoder saved as a charlab stage's output: its logits are
 * nearly flat, so sampling at temperature 1 has plenty of entropy (random bytes, now and then a
 * {@code </think>} or an end token) and greedy decoding is still one fixed path.
 */
class GenerateCommandTest {

    static {
        TestModels.oneThread();
    }

    static final String PROMPT = "Tell me about the sea.";

    @TempDir
    static Path tmp;
    static Path stage; // results/<experiment>/<sweep>/runs/<run>/stages/sft, its model in model/
    static NDManager manager;
    static Generator gen;

    @BeforeAll
    static void saveModel() throws IOException {
        manager = NDManager.newBaseManager();
        ModelConfig cfg = new ModelConfig("qwen3", 32, 2, 4, 2, 8, 64, 10000.0, 1e-5, ByteTokenizer.VOCAB_SIZE, 256,
                false, false, true);
        stage = tmp.resolve("results/e/s1/runs/r1/stages/sft");
        Checkpoint.save(stage.resolve("model"), Decoder.init(cfg, manager, 4), new ByteTokenizer(), Map.of());
        Files.writeString(stage.resolve("stage.json"), "{}\n");
        Checkpoint.Loaded loaded = Checkpoint.load(stage.resolve("model"), manager);
        gen = new Generator(loaded.model(), new ChatMlFormat(loaded.tokenizer()));
    }

    @AfterAll
    static void close() {
        manager.close();
    }

    /** What the non-streaming Generator gives the command's conversation: sample 0 of the seed. */
    static Sample reference(ChatFormat.Prefill prefill, SamplingParams p) {
        return gen.generate(List.of(Conversation.of(Message.user(PROMPT))), prefill, p).get(0);
    }

    static CliRun generate(String model, String... opts) {
        List<String> args = new ArrayList<>(List.of("generate", model, "--prompt", PROMPT, "--threads", "1"));
        args.addAll(List.of(opts));
        return CliRun.of(args.toArray(String[]::new));
    }

    /** The plain format: "[cot]\n{cot}\n" then "[output]\n{output}\n", each part only when present. */
    record Parts(String cot, String output) {
        static Parts of(String out) {
            String cot = null;
            String rest = out;
            if (out.startsWith("[cot]\n")) {
                int at = out.indexOf("\n[output]\n");
                cot = out.substring("[cot]\n".length(), at < 0 ? out.length() - 1 : at);
                rest = at < 0 ? "" : out.substring(at + 1);
            }
            String output = null;
            if (!rest.isEmpty()) {
                assertTrue(rest.startsWith("[output]\n") && rest.endsWith("\n"), out);
                output = rest.substring("[output]\n".length(), rest.length() - 1);
            }
            return new Parts(cot, output);
        }
    }

    /** A writer that keeps what it held at each flush carrying new text: proof the text came out as it was made. */
    static final class FlushLog extends StringWriter {
        final List<Integer> sizes = new ArrayList<>();

        @Override
        public void flush() {
            int n = getBuffer().length();
            if (sizes.isEmpty() || sizes.get(sizes.size() - 1) != n) {
                sizes.add(n);
            }
        }
    }

    @Test
    void streamedCotAndOutputAreTheGeneratorsSampleAndArriveTokenByToken() {
        SamplingParams p = SamplingParams.sampled(1.0, 1.0, 150, 0);
        long seed = -1;
        Sample want = null;
        for (long s = 0; s < 80 && want == null; s++) { // a seed whose CoT closes once and whose output is not empty
            Sample x = reference(ChatFormat.Prefill.none(), p.withSeed(s));
            if (x.thinkClosed() && x.thinkCloses() == 1 && !x.output().isEmpty() && x.stopReason() == Sample.StopReason.STOP) {
                seed = s;
                want = x;
            }
        }
        assertTrue(want != null, "some seed closes its CoT and writes an output");
        var cl = Main.commandLine();
        FlushLog out = new FlushLog();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute("generate", stage.toString(), "--prompt", PROMPT, "--threads", "1", "--temperature", "1",
                "--top-p", "1", "--max-new-tokens", "150", "--seed", Long.toString(seed));
        assertEquals(0, rc, err.toString());
        Parts got = Parts.of(out.toString());
        assertEquals(want.cot(), got.cot(), "the CoT as the generator split it");
        assertEquals(want.output(), got.output(), "the output as the generator split it");
        assertTrue(out.sizes.size() > want.newTokens() / 3, "streamed in " + out.sizes.size() + " flushes for "
                + want.newTokens() + " tokens");
        List<String> errLines = err.toString().lines().toList();
        assertEquals(1, errLines.size(), err.toString());
        assertTrue(errLines.get(0).matches("generate: \\d+ prompt \\+ " + want.newTokens() + " new tokens in .* tok/s.*"
                + "stopped at end token <\\|(im_end|endoftext)\\|>"), errLines.get(0));
    }

    @Test
    void noThinkStreamsOnlyTheOutputAndTheModelDirectoryWorksLikeItsStage() {
        SamplingParams p = SamplingParams.sampled(1.0, 1.0, 60, 3);
        Sample want = reference(ChatFormat.Prefill.noThink(""), p);
        CliRun viaStage = generate(stage.toString(), "--no-think", "--temperature", "1", "--top-p", "1",
                "--max-new-tokens", "60", "--seed", "3");
        assertEquals(0, viaStage.exitCode(), viaStage.err());
        assertFalse(viaStage.out().contains("[cot]"), viaStage.out());
        assertEquals(new Parts(null, want.output()), Parts.of(viaStage.out()));
        CliRun viaModel = generate(stage.resolve("model").toString(), "--no-think", "--temperature", "1", "--top-p", "1",
                "--max-new-tokens", "60", "--seed", "3");
        assertEquals(viaStage.out(), viaModel.out());
    }

    @Test
    void theSeedDecidesTheTextAtTemperatureAboveZero() {
        CliRun a = generate(stage.toString(), "--temperature", "1", "--max-new-tokens", "40", "--seed", "11");
        CliRun b = generate(stage.toString(), "--temperature", "1", "--max-new-tokens", "40", "--seed", "11");
        CliRun c = generate(stage.toString(), "--temperature", "1", "--max-new-tokens", "40", "--seed", "12");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), b.out(), "same seed, same text");
        assertNotEquals(a.out(), c.out(), "another seed, another text");
        assertTrue(a.out().length() > 20, a.out());
    }

    @Test
    void temperatureZeroIsGreedyWhateverTheSeed() {
        Sample want = reference(ChatFormat.Prefill.none(), SamplingParams.greedy(40));
        CliRun a = generate(stage.toString(), "--temperature", "0", "--max-new-tokens", "40", "--seed", "1");
        CliRun b = generate(stage.toString(), "--temperature", "0", "--max-new-tokens", "40", "--seed", "2");
        assertEquals(0, a.exitCode(), a.err());
        assertEquals(a.out(), b.out());
        Parts got = Parts.of(a.out());
        assertEquals(want.cot(), got.cot());
        assertEquals(want.thinkClosed() ? want.output() : null, got.output());
    }

    @Test
    void maxNewTokensStopsGenerationAndTheSummarySaysSo() {
        Sample want = reference(ChatFormat.Prefill.none(), SamplingParams.sampled(1.0, 1.0, 5, 21));
        assertEquals(Sample.StopReason.LENGTH, want.stopReason(), "this seed runs past 5 tokens");
        CliRun r = generate(stage.toString(), "--temperature", "1", "--top-p", "1", "--max-new-tokens", "5", "--seed", "21");
        assertEquals(0, r.exitCode(), r.err());
        assertEquals(want.cot(), Parts.of(r.out()).cot());
        assertEquals(1, r.errLines().size(), r.err());
        assertTrue(r.err().contains(" + 5 new tokens in "), r.err());
        assertTrue(r.err().trim().endsWith("stopped at max new tokens (5), CoT unclosed"), r.err());
    }

    @Test
    void colorAlwaysDimsTheCotAndBoldsTheHeaders() {
        CliRun plain = generate(stage.toString(), "--max-new-tokens", "12", "--color", "never");
        CliRun color = generate(stage.toString(), "--max-new-tokens", "12", "--color", "always");
        assertFalse(plain.out().contains("\u001b["), plain.out());
        assertTrue(color.out().startsWith("\u001b[1m[cot]\u001b[0m\n\u001b[2m"), color.out());
        assertEquals(plain.out(), color.out().replaceAll("\u001b\\[\\d+m", ""), "the same text either way");
    }

    @Test
    void aPathThatIsNoModelExitsTwoWithOneLine() throws IOException {
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        Path eval = Files.createDirectories(stage.resolveSibling("eval"));
        Files.writeString(eval.resolve("stage.json"), "{}\n");
        Path run = stage.getParent().getParent();
        Path sweep = run.getParent().getParent();
        Map<Path, String> cases = Map.of(
                tmp.resolve("nowhere"), "does not exist",
                file, "is a file; give the directory holding config.json",
                empty, "is not a model directory: no config.json",
                eval, "is a stage output without a model (an eval stage?)",
                run, "is a run directory; give one of its stages: " + stage,
                sweep, "is a sweep directory; give a stage of one of its runs");
        cases.forEach((path, what) -> {
            CliRun r = generate(path.toString());
            assertEquals(2, r.exitCode(), r.err());
            assertEquals(List.of("charlab: MODEL '" + path + "' "), r.errLines().stream()
                    .map(l -> l.substring(0, ("charlab: MODEL '" + path + "' ").length())).toList(), r.err());
            assertTrue(r.err().contains(what), r.err());
            assertEquals("", r.out());
        });
    }

    @Test
    void badSamplingOptionsExitTwoWithOneLine() {
        for (String[] opt : List.of(new String[] {"--temperature", "-1"}, new String[] {"--top-p", "0"},
                new String[] {"--max-new-tokens", "0"}, new String[] {"--top-k", "-2"})) {
            CliRun r = generate(stage.toString(), opt);
            assertEquals(2, r.exitCode(), r.err());
            assertEquals(1, r.errLines().size(), r.err());
            assertTrue(r.err().startsWith("charlab: " + opt[0] + " must be"), r.err());
        }
    }

    /**
     * The real tiny Llama (stories260K) has no chat template: it is a base model, so the prompt is the
     * text as given (after the BOS its tokenizer adds), the whole continuation is output, and greedy
     * decoding continues the story in English words.
     */
    @Test
    void realModelWithoutTemplateContinuesPlainText() {
        Path hf = RealModel.hfDir();
        CliRun r = CliRun.of("generate", hf.toString(), "--prompt", "Once upon a time, there was a little girl named Lily.",
                "--temperature", "0", "--max-new-tokens", "40", "--threads", "1");
        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().startsWith("[output]\n"), r.out());
        assertFalse(r.out().contains("[cot]"), r.out());
        String story = r.out().substring("[output]\n".length());
        assertTrue(story.split("\\s+").length >= 15, story);
        assertTrue(story.matches("(?s)[A-Za-z .,!?'\"\\n-]+"), "an English story continuation: " + story);
    }
}
