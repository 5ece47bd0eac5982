#!/usr/bin/env python3
"""The Hugging Face peer of `charlab bench model`: what a Python researcher would run instead.

transformers' causal LM built from the same config.json charlab benchmarks (random weights, fp32,
eager PyTorch on CPU, the same intra-op threads), timed the same way: training tokens/s on random
tokens (batch x seq, AdamW lr 1e-3, gradient clipping at 1.0, 5 warm-up steps, best 5-step window
too) and sampled KV-cached generation (temperature 1, top-p 0.95, exactly --new-tokens new tokens)
at each batch size. Prints one JSON object on stdout; everything else goes to stderr.

`charlab bench model` writes config.json, runs this script with --peer-python's interpreter and
prints the ratios. By hand:  python peer_bench.py --config DIR/config.json --threads 2
Needs: pip install torch transformers
"""
import argparse
import json
import os
import sys
import time


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, help="an HF config.json (charlab writes the benchmarked model's)")
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--train-batch", type=int, default=16)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--new-tokens", type=int, default=256)
    ap.add_argument("--batches", default="1,32")
    ap.add_argument("--prompt-tokens", type=int, default=64)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()

    import torch
    torch.set_num_threads(a.threads)
    try:
        torch.set_num_interop_threads(1)  # as charlab's stages
    except RuntimeError:
        pass
    import transformers

    torch.manual_seed(a.seed)
    cfg = transformers.AutoConfig.from_pretrained(os.path.dirname(os.path.abspath(a.config)))
    model = transformers.AutoModelForCausalLM.from_config(cfg, dtype=torch.float32)
    vocab = cfg.vocab_size
    lo, hi = (32, 122) if vocab > 122 else (0, vocab)  # charlab's ModelBench draws ids in [32, 122)
    report = {
        "peer": "transformers %s, torch %s" % (transformers.__version__, torch.__version__),
        "threads": torch.get_num_threads(),
        "attn_implementation": getattr(model.config, "_attn_implementation", None),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
        "train": train(model, a, lo, hi, torch),
    }
    gen = {}
    for b in [int(x) for x in a.batches.split(",") if x]:
        gen["batch%d_cached_tokens_per_s" % b] = generate(model, a, b, lo, hi, torch)
    report["generate_%d_new_tokens" % a.new_tokens] = gen
    json.dump(report, sys.stdout)
    sys.stdout.write("\n")


def train(model, a, lo, hi, torch):
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3)
    ids = torch.randint(lo, hi, (a.train_batch, a.seq), generator=torch.Generator().manual_seed(a.seed))

    def step():
        loss = model(input_ids=ids, labels=ids).loss
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        return loss.item()

    for _ in range(min(5, a.steps)):
        step()
    times = []
    loss = float("nan")
    t0 = time.perf_counter()
    for _ in range(a.steps):
        s0 = time.perf_counter()
        loss = step()
        times.append(time.perf_counter() - s0)
    sec = time.perf_counter() - t0
    w = min(5, a.steps)
    best = min(sum(times[i:i + w]) for i in range(0, a.steps - w + 1))
    tokens = a.train_batch * a.seq
    return {"batch": a.train_batch, "seq": a.seq, "steps": a.steps, "ms_per_step": 1000 * sec / a.steps,
            "tokens_per_s": tokens * a.steps / sec, "best_5_step_tokens_per_s": tokens * w / best,
            "final_loss": loss}


def generate(model, a, batch, lo, hi, torch):
    model.eval()
    g = torch.Generator().manual_seed(a.seed)

    def run(b, n):
        ids = torch.randint(lo, hi, (b, a.prompt_tokens), generator=g)
        with torch.inference_mode():
            out = model.generate(input_ids=ids, attention_mask=torch.ones_like(ids), do_sample=True, temperature=1.0,
                                 top_p=0.95, top_k=0, max_new_tokens=n, min_new_tokens=n, use_cache=True,
                                 pad_token_id=0, eos_token_id=None)
        return (out.shape[1] - a.prompt_tokens) * b

    run(batch, a.new_tokens)  # warm-up: the same run, as charlab's bench
    t0 = time.perf_counter()
    new = run(batch, a.new_tokens)
    return new / (time.perf_counter() - t0)


if __name__ == "__main__":
    main()
