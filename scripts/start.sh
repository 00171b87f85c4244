#!/usr/bin/env bash
# Builds and opens the AuthCert window, installing what is missing first.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh app
cargo run --release --locked --features tauri/custom-protocol
