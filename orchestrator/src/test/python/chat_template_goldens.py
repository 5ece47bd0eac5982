"""Golden renderings of real chat templates for TemplateChatFormatTest.

Rerun (from the repository root, after .ci/fetch-test-assets.sh):
    /work/pyref/bin/python orchestrator/src/test/python/chat_template_goldens.py \
        ~/.cache/charlab/test-assets > orchestrator/src/test/resources/chat-templates/goldens.json

Renders with transformers' tokenizer.apply_chat_template(tokenize=False) when transformers is
importable. Without it (the package index was unreachable when this was first run) it renders with
jinja2 in the environment transformers builds in utils/chat_template_utils.py: an
ImmutableSandboxedEnvironment with trim_blocks, lstrip_blocks and loopcontrols, raise_exception,
strftime_now, tojson(ensure_ascii=False, ...), and the special tokens of tokenizer_config.json
(bos_token, eos_token, unk_token, pad_token) as variables. The fixture records which renderer wrote it.
"""
import json
import sys
from datetime import datetime
from pathlib import Path

MODELS = ["qwen3", "llama3_1", "gemma3"]
SYSTEM = "You are Ada, a patient tutor.\nAnswer briefly."
USER1 = "What is 2 + 2? Explain – ünïcode too."
COT1 = "The user asks a sum.\n2 + 2 = 4."
OUT1 = "It is 4.\nSimple!"
USER2 = "And 3 + 3?"
COT2 = "3 + 3 = 6."
OUT2 = "Six."


def cot_in_content(cot, out):
    return "<think>\n" + cot + "\n</think>\n\n" + out


def assistant(model, cot, out):
    if model == "qwen3":  # the template renders reasoning_content itself
        return {"role": "assistant", "content": out, "reasoning_content": cot}
    return {"role": "assistant", "content": cot_in_content(cot, out)}


def cases(model):
    c = [
        ("system_user_assistant_cot", [
            {"role": "system", "content": SYSTEM}, {"role": "user", "content": USER1}, assistant(model, COT1, OUT1)],
         False, {}),
        ("multi_turn", [
            {"role": "system", "content": SYSTEM}, {"role": "user", "content": USER1}, assistant(model, COT1, OUT1),
            {"role": "user", "content": USER2}, assistant(model, COT2, OUT2)], False, {}),
        ("generation_prompt", [{"role": "system", "content": SYSTEM}, {"role": "user", "content": USER1}], True, {}),
    ]
    if model == "qwen3":
        c.append(("generation_prompt_no_thinking", [{"role": "system", "content": SYSTEM},
                                                    {"role": "user", "content": USER1}], True,
                  {"enable_thinking": False}))
    return c


def special_tokens(cfg):
    out = {}
    for k in ("bos_token", "eos_token", "unk_token", "pad_token"):
        v = cfg.get(k)
        if isinstance(v, dict):
            v = v.get("content")
        if v is not None:
            out[k] = v
    return out


def jinja_renderer(cfg):
    import jinja2
    from jinja2.ext import loopcontrols
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
        return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)

    def strftime_now(fmt):
        return datetime.now().strftime(fmt)

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
    env.filters["tojson"] = tojson
    env.globals["raise_exception"] = raise_exception
    env.globals["strftime_now"] = strftime_now
    template = env.from_string(cfg["chat_template"])

    def render(messages, add_generation_prompt, kwargs):
        return template.render(messages=messages, tools=None, documents=None,
                               add_generation_prompt=add_generation_prompt, **special_tokens(cfg), **kwargs)
    return render


def main(assets):
    try:
        from transformers import PreTrainedTokenizerFast  # noqa: F401
        renderer = "transformers apply_chat_template"
    except ImportError:
        renderer = "jinja2 in transformers' chat-template environment"
    out = {"renderer": renderer, "models": {}}
    for model in MODELS:
        d = Path(assets) / model
        cfg = json.loads((d / "tokenizer_config.json").read_text(encoding="utf-8"))
        if renderer.startswith("transformers"):
            from transformers import PreTrainedTokenizerFast
            tok = PreTrainedTokenizerFast(tokenizer_file=str(d / "tokenizer.json"), **{
                k: v for k, v in cfg.items() if k in ("chat_template", "bos_token", "eos_token", "unk_token", "pad_token")})

            def render(messages, agp, kwargs, tok=tok):
                return tok.apply_chat_template(messages, tokenize=False, add_generation_prompt=agp, **kwargs)
        else:
            render = jinja_renderer(cfg)
        rows = []
        for name, messages, agp, kwargs in cases(model):
            rows.append({"name": name, "messages": messages, "add_generation_prompt": agp, "kwargs": kwargs,
                         "expected": render(messages, agp, kwargs)})
        out["models"][model] = rows
    json.dump(out, sys.stdout, ensure_ascii=False, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main(sys.argv[1])
