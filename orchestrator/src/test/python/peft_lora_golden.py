"""Golden adapter files for LoraAdaptersTest, from real PEFT on a tiny llama.

Rerun (needs torch, transformers, peft, safetensors):
    python orchestrator/src/test/python/peft_lora_golden.py > orchestrator/src/test/resources/lora/peft_llama_golden.json

The model matches TestModels.micro("llama", false): hidden 16, 2 layers, 4 heads / 2 KV heads of 4,
intermediate 24. LoraConfig with PEFT's defaults (r 8, lora_alpha 8, lora_dropout 0.0, target_modules
unset -> PEFT's llama default q_proj, v_proj). Output: adapter_config.json as PEFT writes it and the
name -> shape of every tensor in adapter_model.safetensors.
"""
import json
import sys
import tempfile

import peft
from peft import LoraConfig, get_peft_model
from safetensors import safe_open
from transformers import LlamaConfig, LlamaForCausalLM

cfg = LlamaConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                  intermediate_size=24, vocab_size=259, max_position_embeddings=32, tie_word_embeddings=False)
model = get_peft_model(LlamaForCausalLM(cfg), LoraConfig(task_type="CAUSAL_LM"))
model.peft_config["default"].base_model_name_or_path = "tiny-llama"
with tempfile.TemporaryDirectory() as d:
    model.save_pretrained(d)
    with open(f"{d}/adapter_config.json") as f:
        config = json.load(f)
    with safe_open(f"{d}/adapter_model.safetensors", "pt") as f:
        tensors = {k: list(f.get_slice(k).get_shape()) for k in sorted(f.keys())}
json.dump({"generator": "peft " + peft.__version__, "adapter_config": config, "tensors": tensors}, sys.stdout,
          indent=2)
sys.stdout.write("\n")
