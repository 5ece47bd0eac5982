package org.charlab.generate;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.charlab.data.Conversation;
import org.charlab.model.AssistantText;
import org.charlab.model.ChatFormat;
import org.charlab.model.Decoder;
import org.charlab.model.FusedWeights;
import org.charlab.model.KvCache;
import org.charlab.model.Lanes;
import org.charlab.model.Tokenizer;

/**
 * Batched sampling with a KV cache. Prompts of different lengths are left-padded; every row gets
 * its own positions (counted from its first real token) and a key mask hiding its padding, and its
 * own random generator seeded from (seed, sample index). A sample's tokens therefore do not depend
 * on which other samples share its batch (up to float rounding in the batched kernels), and
 * neither does its length budget: each row stops at min(max_new_tokens, max_position_embeddings
 * minus its own prompt length).
 *
 * <p>One decode step costs one forward pass over [B, 1] new tokens plus one copy of the [B, V]
 * logits to Java, where sampling happens. Runs with autograd off and the model's projections
 * fused for the call ({@link Decoder#fuseForInference}): a small model on CPU in {@link DecodeLanes}
 * (pool threads with one intra-op thread each, taking whole batches, or shares of the rows of a call
 * with fewer batches than the machine has cores), otherwise, and whenever a {@link TokenListener}
 * listens, on the calling thread.
 */
public final class Generator {

    private final Decoder model;
    private final ChatFormat chat;
    private final Tokenizer tok;
    private final int[] stopIds;
    /** What a call's rows are cut into for lanes ({@link DecodeLanes}): the machine's cores. */
    private final int parts;

    private Generator(Decoder model, ChatFormat chat, int[] stopIds, int parts) {
        this.model = model;
        this.chat = chat;
        this.tok = chat.tokenizer();
        this.stopIds = stopIds;
        this.parts = parts;
    }

    /** The same generator never stopping before max_new_tokens (benchmarks need fixed lengths). */
    public Generator withoutStops() {
        return new Generator(model, chat, new int[0], parts);
    }

    /** The same generator cutting its calls into {@code parts} instead of the machine's cores (tests). */
    Generator withParts(int parts) {
        return new Generator(model, chat, stopIds, parts);
    }

    public Generator(Decoder model, ChatFormat chat) {
        this.model = model;
        this.chat = chat;
        this.tok = chat.tokenizer();
        List<Integer> stops = new ArrayList<>();
        for (int id : chat.endIds()) {
            if (!stops.contains(id)) {
                stops.add(id);
            }
        }
        // plus the checkpoint's own end tokens (generation_config.json etc.), as HF generation stops
        for (int id : tok.eosIds()) {
            if (!stops.contains(id)) {
                stops.add(id);
            }
        }
        stopIds = stops.stream().mapToInt(Integer::intValue).toArray();
        parts = Lanes.parts();
    }

    /** The ids that end a sample: the chat format's end tokens, then the checkpoint's own (Tokenizer#eosIds). */
    public int[] stopIds() {
        return stopIds.clone();
    }

    /** One generation request: prompt ids (prefill included), the prefill's text, and the sample's seed. */
    public record Request(int[] promptIds, String prefillText, long seed) {
    }

    /** Seed of sample {@code index} of a call with base seed {@code seed} (SplitMix64 finaliser). */
    public static long seedFor(long seed, int index) {
        long z = seed + 0x9E3779B97F4A7C15L * (index + 1L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Completes each prompt's assistant turn, started with {@code prefill}; sample i uses seedFor(params.seed, i). */
    public List<Sample> generate(List<Conversation> prompts, ChatFormat.Prefill prefill, SamplingParams params) {
        List<Request> reqs = new ArrayList<>();
        for (int i = 0; i < prompts.size(); i++) {
            reqs.add(new Request(chat.prompt(prompts.get(i), prefill).ids(), chat.prefillText(prefill),
                    seedFor(params.seed(), i)));
        }
        return generateRequests(reqs, params);
    }

    /**
     * Sees each token as it is sampled, on the calling thread, before the next decode step:
     * {@code request} is the index into the list given to {@link #generateRequests}, {@code id} the
     * token (a final stop token included, as in {@link Sample#tokens()}). For streaming; the batched
     * path passes none and pays one null check per token.
     */
    @FunctionalInterface
    public interface TokenListener {
        void onToken(int request, int id);
    }

    /** Generates for explicit requests, {@code params.maxBatch()} rows at a time, in order. */
    public List<Sample> generateRequests(List<Request> requests, SamplingParams params) {
        return generateRequests(requests, params, null);
    }

    /** {@link #generateRequests(List, SamplingParams)}, telling {@code listener} (may be null) each token as it is sampled. */
    public List<Sample> generateRequests(List<Request> requests, SamplingParams params, TokenListener listener) {
        boolean gradMode = JniUtils.isGradMode();
        JniUtils.setGradMode(false);
        try (FusedWeights fused = model.fuseForInference()) {
            int size = params.maxBatch();
            if (listener != null || !DecodeLanes.applies(model)) {
                List<Sample> out = new ArrayList<>(requests.size());
                for (int i = 0; i < requests.size(); i += size) {
                    out.addAll(batch(requests.subList(i, Math.min(requests.size(), i + size)), params, listener, i));
                }
                return out;
            }
            // the shares fix the rounding (the machine's cores); the lane threads only how many run at once
            List<DecodeLanes.Share> shares = DecodeLanes.shares(requests.size(), size, parts);
            return Lanes.each(Lanes.threads(), shares.size(), k -> {
                DecodeLanes.Share sh = shares.get(k);
                return batch(requests.subList(sh.from(), sh.to()), params, null, sh.from());
            });
        } finally {
            JniUtils.setGradMode(gradMode);
        }
    }

    private List<Sample> batch(List<Request> reqs, SamplingParams params, TokenListener listener, int first) {
        int b = reqs.size();
        int promptLen = 0;
        for (Request r : reqs) {
            promptLen = Math.max(promptLen, r.promptIds().length);
        }
        int maxPos = model.config().maxPositionEmbeddings();
        if (promptLen >= maxPos) {
            throw new IllegalArgumentException("prompt of " + promptLen + " tokens leaves no room within max_position_embeddings "
                    + maxPos);
        }
        // each row's own budget: it stops at max_new_tokens or at max_position_embeddings after its
        // own prompt, never at a limit set by a longer prompt sharing its batch
        int[] budget = new int[b];
        int maxNew = 0;
        int active = 0;
        for (int r = 0; r < b; r++) {
            budget[r] = Math.min(params.maxNewTokens(), maxPos - reqs.get(r).promptIds().length);
            maxNew = Math.max(maxNew, budget[r]);
            active += budget[r] > 0 ? 1 : 0;
        }
        // columns, not positions: a short row's left padding lets the batch be longer than max_pos
        int capacity = promptLen + maxNew;
        int[] pad = new int[b];
        long[][] seq = new long[b][capacity];
        SplittableRandom[] rng = new SplittableRandom[b];
        float[] keyMask = new float[b * capacity];
        for (int r = 0; r < b; r++) {
            int[] p = reqs.get(r).promptIds();
            pad[r] = promptLen - p.length;
            Arrays.fill(seq[r], tok.padId());
            for (int c = 0; c < p.length; c++) {
                seq[r][pad[r] + c] = p[c];
            }
            Arrays.fill(keyMask, r * capacity, r * capacity + pad[r], Decoder.MASKED);
            rng[r] = new SplittableRandom(reqs.get(r).seed());
        }
        int vocab = model.config().vocabSize();
        int[][] gen = new int[b][maxNew];
        int[] count = new int[b];
        boolean[] done = new boolean[b];
        TokenSampler sampler = new TokenSampler(vocab);

        try (NDManager gm = model.manager().newSubManager();
                KvCache cache = params.useCache() ? KvCache.allocate(model.config(), gm, b, capacity) : null) {
            NDArray maskAll = gm.create(keyMask, new Shape(b, capacity));
            int len = 0; // columns already in the cache
            int total = promptLen; // columns that exist
            for (int step = 0; step < maxNew && active > 0; step++) {
                float[] logits;
                try (NDManager sm = gm.newSubManager()) {
                    int from = params.useCache() ? len : 0;
                    int t = total - from;
                    long[] ids = new long[b * t];
                    long[] pos = new long[b * t];
                    for (int r = 0; r < b; r++) {
                        for (int c = 0; c < t; c++) {
                            ids[r * t + c] = seq[r][from + c];
                            // clamped: a row past its budget only feeds padding, whose logits are unused
                            pos[r * t + c] = Math.min(maxPos - 1, Math.max(0, from + c - pad[r]));
                        }
                    }
                    NDArray km = maskAll.get(new NDIndex(":, :{}", total));
                    km.attach(sm);
                    NDArray out = model.forward(sm.create(ids, new Shape(b, t)), sm.create(pos, new Shape(b, t)), km,
                            cache, true);
                    logits = out.toFloatArray();
                    len = total;
                }
                for (int r = 0; r < b; r++) {
                    int next;
                    if (done[r] || count[r] == budget[r]) {
                        next = tok.padId();
                    } else {
                        next = sampler.draw(logits, r * vocab, params, rng[r]);
                        gen[r][count[r]++] = next;
                        if (listener != null) {
                            listener.onToken(first + r, next);
                        }
                        if (isStop(next)) {
                            done[r] = true;
                            active--;
                        } else if (count[r] == budget[r]) {
                            active--;
                        }
                    }
                    seq[r][total] = next;
                }
                total++;
            }
        }
        List<Sample> samples = new ArrayList<>(b);
        for (int r = 0; r < b; r++) {
            int[] ids = Arrays.copyOf(gen[r], count[r]);
            int textEnd = done[r] ? count[r] - 1 : count[r];
            String text = reqs.get(r).prefillText() + tok.decode(Arrays.copyOf(ids, textEnd));
            AssistantText a = chat.parseText(text);
            samples.add(new Sample(a.cot(), a.output(), ids, reqs.get(r).promptIds().length, count[r],
                    done[r] ? Sample.StopReason.STOP : Sample.StopReason.LENGTH, a.thinkClosed(), a.thinkCloses()));
        }
        return samples;
    }

    private boolean isStop(int id) {
        for (int s : stopIds) {
            if (s == id) {
                return true;
            }
        }
        return false;
    }
}
