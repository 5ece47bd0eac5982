"""A PEFT adapter with trained-looking (non-zero) B on a tiny llama, and the logits PEFT computes with it,
for LoraPeftParityTest: charlab must read PEFT's files and compute the same function.

Rerun (needs torch, transformers, peft, safetensors), from the repository root:
    python orchestrator/src/test/python/peft_lora_parity.py orchestrator/src/test/resources/lora/peft-parity

Writes base/ (config.json + model.safetensors by save_pretrained), adapter/ (adapter_config.json +
adapter_model.safetensors by PeftModel.save_pretrained: r 4, lora_alpha 8 so the scale 2 matters, every
linear layer) and expected.json (input ids, the base's and the adapted model's logits, fp32, eager attention).
"""
import json
import sys
from pathlib import Path

import peft
import torch
import transformers
from peft import LoraConfig, get_peft_model
from transformers import LlamaConfig, LlamaForCausalLM

out = Path(sys.argv[1])
torch.manual_seed(7)
cfg = LlamaConfig(hidden_size=16, num_hidden_layers=2, num_attention_heads=4, num_key_value_heads=2, head_dim=4,
                  intermediate_size=24, vocab_size=64, max_position_embeddings=32, tie_word_embeddings=False,
                  rms_norm_eps=1e-6, rope_theta=10000.0, attn_implementation="eager")
base = LlamaForCausalLM(cfg).eval()
with torch.no_grad():
    for p in base.parameters():  # weights large enough that the adapter's share is visible in the logits
        p.normal_(0.0, 0.3)
base.save_pretrained(out / "base", safe_serialization=True)
ids = torch.tensor([[1, 5, 9, 17, 33, 2, 60, 41, 8, 3, 12, 27]])
with torch.no_grad():
    base_logits = base(ids).logits[0]

model = get_peft_model(base, LoraConfig(task_type="CAUSAL_LM", r=4, lora_alpha=8, target_modules="all-linear"))
with torch.no_grad():
    for name, p in model.named_parameters():
        if "lora_B" in name:  # PEFT starts B at zero; a trained adapter has not
            p.normal_(0.0, 0.2)
model.peft_config["default"].base_model_name_or_path = "base"
model.save_pretrained(out / "adapter")
model.eval()
with torch.no_grad():
    lora_logits = model(ids).logits[0]
json.dump({"generator": f"peft {peft.__version__}, transformers {transformers.__version__}, torch {torch.__version__}",
           "ids": ids[0].tolist(), "base_logits": base_logits.tolist(), "lora_logits": lora_logits.tolist()},
          open(out / "expected.json", "w"))
