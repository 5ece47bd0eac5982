"""How fast can torch's own ops run the tiny model's batch-32 decode step on this machine?

A bound for `charlab bench model`'s batch-32 cached decode row (BENCHMARKS.md "bench model"): the
decode step of the bench's tiny config (d=128, 4 layers, 4 query / 2 KV heads, head_dim 32, SwiGLU
352, tied embeddings, vocab 1,024) written as ONE TorchScript function - fused q/k/v and gate/up
projections, RoPE on q and k at once, a preallocated KV cache written in place with keys stored
transposed, as charlab's fused path does - and run the way charlab decodes in lanes: 16 rows per
lane, one intra-op thread, the graph optimiser off (as model/Sdpa calls TorchScript). Run two copies
at once to see two lanes sharing the machine. Random weights; no sampling (charlab samples in Java).

    python decode_step_bound.py [--profile]

Prints milliseconds per step and the tokens/s two such lanes would give (2 x 16 rows per step).
Not a test and not a dependency of charlab: a measurement script, like the peer benchmark.
"""
import sys
import time
from typing import List

import torch

torch.set_num_threads(1)
torch._C._set_graph_executor_optimize(False)

D, LAYERS, H, KV, HD, FFN, VOCAB = 128, 4, 4, 2, 32, 352, 1024
ROWS, PROMPT, NEW = 16, 30, 256


@torch.jit.script
def step(ids, cos, sin, mask, length: int, embed, norms: List[torch.Tensor], qkv: List[torch.Tensor],
         wo: List[torch.Tensor], gate_up: List[torch.Tensor], down: List[torch.Tensor], final_norm,
         k_cache: List[torch.Tensor], v_cache: List[torch.Tensor]):
    b = ids.size(0)
    x = torch.embedding(embed, ids)  # [B, 1, D]
    for l in range(4):
        h = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * norms[2 * l]
        a = torch.nn.functional.linear(h, qkv[l]).view(b, 1, 8, 32)  # [B, 1, H + 2 KV, hd]
        qk = a[:, :, :6]
        v = a[:, :, 6:]
        rotated = torch.cat((-qk[..., 16:], qk[..., :16]), -1)
        qk = qk * cos + rotated * sin
        q = qk[:, 0, :4].reshape(b, 2, 2, 32)  # [B, KV, G, hd]
        k_cache[l][:, :, :, length:length + 1] = qk[:, 0, 4:].reshape(b, 2, 32, 1)  # keys transposed
        v_cache[l][:, :, length:length + 1, :] = v.reshape(b, 2, 1, 32)
        scores = torch.matmul(q, k_cache[l][:, :, :, :length + 1]) + mask  # [B, KV, G, S]
        att = torch.matmul(torch.softmax(scores, -1), v_cache[l][:, :, :length + 1])
        x = x + torch.nn.functional.linear(att.reshape(b, 1, 128), wo[l])
        h = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * norms[2 * l + 1]
        g, u = torch.nn.functional.linear(h, gate_up[l]).split(352, -1)
        x = x + torch.nn.functional.linear(torch.nn.functional.silu(g) * u, down[l])
    x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + 1e-5) * final_norm
    return torch.nn.functional.linear(x, embed)  # [B, 1, V]


def weights():
    g = torch.Generator().manual_seed(0)
    r = lambda *s: torch.randn(*s, generator=g) * 0.02
    return dict(embed=r(VOCAB, D), norms=[torch.ones(D) for _ in range(2 * LAYERS)],
                qkv=[r((H + 2 * KV) * HD, D) for _ in range(LAYERS)], wo=[r(D, H * HD) for _ in range(LAYERS)],
                gate_up=[r(2 * FFN, D) for _ in range(LAYERS)], down=[r(D, FFN) for _ in range(LAYERS)],
                final_norm=torch.ones(D))


def decode(w):
    """Seconds per step over NEW steps after a PROMPT-column prefix, logits copied out as charlab does."""
    k_cache = [torch.zeros(ROWS, KV, HD, PROMPT + NEW) for _ in range(LAYERS)]
    v_cache = [torch.zeros(ROWS, KV, PROMPT + NEW, HD) for _ in range(LAYERS)]
    ids = torch.randint(0, VOCAB, (ROWS, 1))
    cos, sin = torch.randn(ROWS, 1, 1, HD), torch.randn(ROWS, 1, 1, HD)
    t0 = time.perf_counter()
    with torch.no_grad():
        for length in range(PROMPT, PROMPT + NEW):
            mask = torch.zeros(ROWS, 1, 1, length + 1)
            step(ids, cos, sin, mask, length, w["embed"], w["norms"], w["qkv"], w["wo"], w["gate_up"], w["down"],
                 w["final_norm"], k_cache, v_cache).numpy()
    return (time.perf_counter() - t0) / NEW


if __name__ == "__main__":
    w = weights()
    decode(w)  # warm-up: the first calls compile
    for _ in range(3):
        s = decode(w)
        print("one TorchScript step, %d rows, 1 thread: %.2f ms -> two lanes %.0f tokens/s" % (ROWS, s * 1e3,
                                                                                                  2 * ROWS / s))
    if "--profile" in sys.argv:
        from torch.profiler import ProfilerActivity, profile
        with profile(activities=[ProfilerActivity.CPU]) as prof:
            decode(w)
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))
