#!/usr/bin/env bash
# Builds the Linux installer (.deb) offline with the Tauri CLI from npm, and
# prints where it is and its size. The CLI builds the release profile with
# tauri/custom-protocol (the production build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bundle
npx --yes @tauri-apps/cli@^2 build --bundles deb >&2
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
echo "$deb $(stat -c %s "$deb") bytes"
