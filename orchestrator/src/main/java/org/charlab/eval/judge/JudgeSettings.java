package org.charlab.eval.judge;

import java.util.List;
import java.util.Map;
import org.charlab.BadInput;
import org.charlab.config.Doc;
import org.charlab.config.Setting;

/**
 * An LLM judge behind any OpenAI-compatible chat-completions endpoint. The API key is read from
 * the environment variable {@code api_key_env} when the stage runs; it is never part of the config,
 * the cache, the samples or any log.
 */
@Doc("LLM judge (OpenAI-compatible /chat/completions with logprobs): a 0-100 trait score per text as the "
        + "probability-weighted mean over number tokens in the top-20 logprobs (persona-vectors convention).")
public record JudgeSettings(
        @Setting(doc = "Base URL of the API, e.g. https://api.openai.com/v1 (the client POSTs to "
                + "<base_url>/chat/completions).")
        String baseUrl,
        @Setting(doc = "Judge model name sent in each request.")
        String model,
        @Setting(doc = "Name of the environment variable holding the API key (sent as a Bearer token). Unset "
                + "or empty sends no Authorization header (local servers).", def = "OPENAI_API_KEY")
        String apiKeyEnv,
        @Setting(doc = "Trait name -> judge prompt. The prompt must contain {text} (the CoT or output judged) "
                + "and may contain {question} (the last user turn); it should ask for a single number 0-100.")
        Map<String, String> traits,
        @Setting(doc = "Which parts of each sample are judged: cot, output or both.", def = "[cot, output]")
        List<Part> parts,
        @Setting(doc = "Score at and above which the trait counts as present (for the rates).", def = "50",
                min = 0, max = 100, paper = "Tan et al. 2025 threshold the 0-100 judge at 50")
        double threshold,
        @Setting(doc = "Least share of the top-20 probability mass on number tokens 0-100 for a score; below "
                + "it the sample gets no score (and a note).", def = "0.25", min = 0, max = 1,
                paper = "Chen et al. 2025 (persona vectors)")
        double minNumberMass,
        @Setting(doc = "Requests in flight at once.", def = "4", min = 1)
        int concurrency,
        @Setting(doc = "Timeout of one HTTP request in seconds.", def = "60", min = 0, minExclusive = true)
        double timeoutS,
        @Setting(doc = "Retries after a timeout, a connection error, HTTP 429 or 5xx (exponential backoff "
                + "from backoff_s, doubled each time, honouring Retry-After).", def = "4", min = 0)
        int maxRetries,
        @Setting(doc = "First backoff in seconds.", def = "1.0", min = 0)
        double backoffS,
        @Setting(doc = "Directory of the on-disk cache (one JSON file per distinct request, keyed by its SHA-256; "
                + "re-running an evaluation costs no requests). null: results/.cache/judge next to the stage cache.",
                def = "null")
        String cacheDir) {

    public JudgeSettings {
        traits = Map.copyOf(traits);
        parts = List.copyOf(parts);
        for (Map.Entry<String, String> e : traits.entrySet()) {
            if (!e.getValue().contains("{text}")) {
                throw new BadInput("judge.traits." + e.getKey() + ": the prompt must contain {text}");
            }
            if (!e.getKey().matches("[A-Za-z0-9_-]+")) {
                throw new BadInput("judge.traits: name '" + e.getKey() + "' must be letters, digits, '-' or '_'");
            }
        }
    }

    /** A part of a sample. */
    public enum Part {
        @Doc("The chain of thought (the part the model wrote).")
        COT,
        @Doc("The visible output.")
        OUTPUT
    }
}
