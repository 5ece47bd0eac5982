"""Builds the tiny Hugging Face checkpoints and golden outputs that ParityTest compares charlab's decoder with.

Rerun (needs torch, transformers, safetensors; the fixtures were made with transformers 5.18.0, torch 2.13.0 CPU):

    cd orchestrator && /work/pyref/bin/python src/test/python/make_parity_fixtures.py

Writes src/test/resources/parity/<variant>/ for every variant below:
  config.json, model.safetensors   what save_pretrained writes (transformers 5: the rope_parameters layout);
                                   variants marked "old" have config.json rewritten to transformers 4's layout
                                   (top-level rope_theta / rope_scaling / rope_local_base_freq), and this script
                                   checks that transformers reads the rewritten file to identical logits
  golden.safetensors               "logits": F32 [T, V], next-token logits of HF (eager attention, fp32) at every
                                   position of the prompt
  golden.json                      prompt ids, greedy continuation (generate, use_cache=True, 32 new tokens),
                                   the smallest top-1/top-2 logit margin along the greedy path, transformers version
Weights are random (fixed torch seed) and deliberately far from HF's init: norm weights and biases are random
too, so a skipped (1 + w), bias or scaling changes the logits.
"""
import json
import math
import os
import shutil
import sys

import torch
import transformers
from safetensors.torch import save_file
from transformers import (AutoModelForCausalLM, Gemma3Config, Gemma3ForConditionalGeneration, Gemma3TextConfig,
                          LlamaConfig, MistralConfig, Qwen2Config, Qwen3Config)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "resources", "parity")
PROMPT_LEN = 24
NEW_TOKENS = 32
VOCAB = 96
EMBED_STD_TIED = 0.4
EMBED_STD_GEMMA = 0.15
LM_HEAD_GAIN = 3.0
COMMON = dict(vocab_size=VOCAB, hidden_size=32, intermediate_size=48, num_attention_heads=4, num_key_value_heads=2,
              max_position_embeddings=64, rms_norm_eps=1e-6, bos_token_id=None, eos_token_id=None,
              pad_token_id=None)


def variants():
    yield "llama_gqa", "new", LlamaConfig(num_hidden_layers=2, tie_word_embeddings=False,
                                          rope_parameters={"rope_type": "default", "rope_theta": 10000.0}, **COMMON)
    yield "llama_tied", "old", LlamaConfig(num_hidden_layers=2, tie_word_embeddings=True,
                                           rope_parameters={"rope_type": "default", "rope_theta": 500.0}, **COMMON)
    yield "llama_bias", "new", LlamaConfig(num_hidden_layers=2, attention_bias=True, tie_word_embeddings=False,
                                           **COMMON)
    # head_dim 8, theta 10000: wavelengths 6.3 .. 5000; with L = 32 (high 8, low 32) the first frequency stays,
    # the second is blended and the others are divided by 8
    yield "llama3_scaling", "old", LlamaConfig(
        num_hidden_layers=2, tie_word_embeddings=False,
        rope_parameters={"rope_type": "llama3", "rope_theta": 10000.0, "factor": 8.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 32}, **COMMON)
    yield "mistral_window", "new", MistralConfig(num_hidden_layers=2, sliding_window=7, tie_word_embeddings=False,
                                                 **COMMON)
    yield "qwen2_bias", "old", Qwen2Config(num_hidden_layers=2, tie_word_embeddings=False,
                                           rope_parameters={"rope_type": "default", "rope_theta": 1000.0}, **COMMON)
    yield "qwen3_qknorm", "new", Qwen3Config(num_hidden_layers=2, head_dim=16, tie_word_embeddings=False,
                                             **COMMON)
    gemma = dict(COMMON, num_hidden_layers=3, head_dim=16, sliding_window=6, query_pre_attn_scalar=24,
                 hidden_activation="gelu_pytorch_tanh")
    yield "gemma3_text", "new", Gemma3TextConfig(tie_word_embeddings=True,
        layer_types=["sliding_attention", "full_attention", "sliding_attention"],
        rope_parameters={"full_attention": {"rope_type": "linear", "factor": 8.0, "rope_theta": 1_000_000.0},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 10_000.0}}, **gemma)
    yield "gemma3_softcap", "old", Gemma3TextConfig(
        layer_types=["sliding_attention", "sliding_attention", "full_attention"],
        attn_logit_softcapping=3.0, final_logit_softcapping=4.0, tie_word_embeddings=False,
        rope_parameters={"full_attention": {"rope_type": "default", "rope_theta": 20_000.0},
                         "sliding_attention": {"rope_type": "default", "rope_theta": 50.0}}, **gemma)
    # Gemma 3 4B's layout: the text model under text_config next to a (tiny) SigLIP vision tower; text-only input
    text = dict(gemma, layer_types=["full_attention", "sliding_attention", "sliding_attention"],
                tie_word_embeddings=True)
    text.pop("pad_token_id")
    yield "gemma3_vision", "new", Gemma3Config(
        text_config=text, mm_tokens_per_image=4, tie_word_embeddings=True,
        vision_config=dict(hidden_size=16, intermediate_size=16, num_hidden_layers=1, num_attention_heads=2,
                           image_size=28, patch_size=14))


def randomize(model, gemma, tied, gen):
    """Random weights with logits spread enough that greedy steps are decided by clear margins."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            r = torch.randn(p.shape, generator=gen)
            if "norm" in name:
                p.copy_(0.3 * r if gemma else 1.0 + 0.3 * r)  # gemma norms compute (1 + w)
            elif name.endswith(".bias") or p.dim() < 2:
                p.copy_(0.2 * r)
            elif "embed_tokens" in name:
                # small when tied or scaled by sqrt(hidden) (gemma): else greedy repeats its input token
                p.copy_((EMBED_STD_GEMMA if gemma else EMBED_STD_TIED if tied else 1.0) * r)
            elif "lm_head" in name:
                p.copy_(LM_HEAD_GAIN * r / math.sqrt(p.shape[1]))
            else:
                p.copy_(r / math.sqrt(p.shape[1]))


def to_old_layout(cfg, gemma):
    rp = cfg.pop("rope_parameters")
    if gemma:
        full, sliding = dict(rp["full_attention"]), rp["sliding_attention"]
        cfg["rope_theta"] = full.pop("rope_theta")
        cfg["rope_local_base_freq"] = sliding["rope_theta"]
        if full["rope_type"] != "default":
            cfg["rope_scaling"] = full
        if cfg["layer_types"] == ["sliding_attention", "sliding_attention", "full_attention"]:
            del cfg["layer_types"]
            cfg["sliding_window_pattern"] = 3
    else:
        rp = dict(rp)
        cfg["rope_theta"] = rp.pop("rope_theta")
        if rp["rope_type"] != "default":
            cfg["rope_scaling"] = rp
    return cfg


def logits_of(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0]


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1234)
    prompt = torch.randint(0, VOCAB, (PROMPT_LEN,), generator=gen).tolist()
    if os.path.isdir(OUT):
        shutil.rmtree(OUT)
    for name, layout, config in variants():
        gemma = config.model_type in ("gemma3_text", "gemma3")
        cls = Gemma3ForConditionalGeneration if config.model_type == "gemma3" else AutoModelForCausalLM
        if cls is AutoModelForCausalLM:
            model = cls.from_config(config, attn_implementation="eager", dtype=torch.float32).eval()
        else:
            model = cls._from_config(config, attn_implementation="eager", dtype=torch.float32).eval()
        randomize(model, gemma, config.tie_word_embeddings, gen)
        d = os.path.join(OUT, name)
        model.save_pretrained(d)
        cfg_path = os.path.join(d, "config.json")
        if layout == "old":
            with open(cfg_path) as f:
                cfg = json.load(f)
            with open(cfg_path, "w") as f:
                json.dump(to_old_layout(cfg, gemma), f, indent=2, sort_keys=True)
        reloaded = cls.from_pretrained(d, attn_implementation="eager", dtype=torch.float32).eval()
        logits = logits_of(reloaded, prompt)
        diff = (logits - logits_of(model, prompt)).abs().max().item()
        assert diff == 0.0, f"{name}: reloaded config.json changes the logits by {diff}"

        # greedy continuation with the KV cache, as generate does it
        reloaded.generation_config.eos_token_id = None
        reloaded.generation_config.pad_token_id = 0
        with torch.no_grad():
            out = reloaded.generate(torch.tensor([prompt]), max_new_tokens=NEW_TOKENS, do_sample=False,
                                    use_cache=True, min_new_tokens=NEW_TOKENS)
        greedy = out[0, PROMPT_LEN:].tolist()
        # the same path recomputed without cache, and how decisive each step is
        seq, margin = list(prompt), float("inf")
        for _ in range(NEW_TOKENS):
            last = logits_of(reloaded, seq)[-1]
            top2 = torch.topk(last, 2).values
            margin = min(margin, (top2[0] - top2[1]).item())
            seq.append(int(last.argmax()))
        assert seq[PROMPT_LEN:] == greedy, f"{name}: HF's cached and uncached greedy paths differ"
        save_file({"logits": logits.contiguous()}, os.path.join(d, "golden.safetensors"))
        with open(os.path.join(d, "golden.json"), "w") as f:
            json.dump({"prompt": prompt, "greedy": greedy, "min_greedy_margin": round(margin, 6),
                       "layout": layout, "transformers": transformers.__version__, "torch": torch.__version__},
                      f, indent=1)
        print(f"{name:16s} {layout} margin {margin:.4f} logit std {logits.std().item():.3f}", file=sys.stderr)


if __name__ == "__main__":
    main()
