#!/usr/bin/env bash
# Fuzzes the importer's parse entry (cargo-fuzz, libFuzzer, on the nightly
# toolchain) for a bounded time, starting from the committed seed corpus
# (src-tauri/core/fuzz/corpus/import). A crash, panic, leak or timeout
# fails the run; libFuzzer leaves the input in src-tauri/core/fuzz/artifacts/.
#   AUTHCERT_FUZZ_SECONDS=N   how long (default 60)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
seconds="${AUTHCERT_FUZZ_SECONDS:-60}"
if ! grep -q '^nightly' <<<"$(rustup toolchain list)"; then
  # Where rustup reaches its servers (GitHub's runners); not on machines
  # that reach only the package registries, which come with a nightly.
  rustup toolchain install nightly --profile minimal >&2 || {
    echo "fuzz: cargo-fuzz needs the nightly toolchain; this machine has none and cannot install it (rustup toolchain list)." >&2
    exit 1
  }
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "Installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked >&2
fi
# New inputs go to a scratch folder; the seeds stay as committed.
work="$root/target/fuzz-corpus/import"
mkdir -p "$work"
cd src-tauri/core
cargo +nightly fuzz run import "$work" fuzz/corpus/import -- \
  -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -print_final_stats=1
