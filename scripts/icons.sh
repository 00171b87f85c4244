#!/usr/bin/env bash
# Makes every platform's app icons from icons/source.png (1024×1024 RGBA),
# offline, with the Tauri CLI from npm; keeps the desktop ones.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bundle
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
npx --yes @tauri-apps/cli@^2 icon icons/source.png --output "$out" >&2
for f in 32x32.png 64x64.png 128x128.png 128x128@2x.png icon.png icon.ico icon.icns; do
  cp "$out/$f" icons/
done
