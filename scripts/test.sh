#!/usr/bin/env bash
# Runs every check and test of AuthCert, installing what is missing first:
# Linux, then the Windows build (linted, built, run under Wine) and the
# macOS build (linted), from this machine.
# The last step installs the .deb it builds (apt-get, sudo when not root)
# and removes it again.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
# A test run builds once: incremental compilation's caches would only add
# gigabytes to target/ (see the [profile.dev] note in Cargo.toml).
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
disk() { echo "== disk: target/ $(du -sh target 2>/dev/null | cut -f1), free $(df -h --output=avail . | tail -n 1 | tr -d ' ') ($1)" >&2; }
disk start

rustup component add rustfmt clippy >/dev/null 2>&1 || true
echo "== cargo fmt --check" >&2
cargo fmt --check
echo "== cargo clippy --workspace --all-targets -- -D warnings" >&2
cargo clippy --workspace --all-targets --all-features --locked -- -D warnings
echo "== cargo deny: crates.io only, licences on the allow list, no wildcards" >&2
cargo deny --log-level error --locked check bans licenses sources
echo "== known vulnerabilities (RustSec): the snapshot, and the live database where GitHub answers" >&2
scripts/advisories.sh
echo "== cargo test, every crate (the core's and the command line's own tests too; with the end-to-end tests' hooks)" >&2
cargo test --locked --workspace --exclude bare-window --all-targets --features test-hooks
echo "== the core's layers point only down (tests/layers.rs; run above, its order printed here)" >&2
cargo test --locked --quiet --features test-hooks --test layers -- --nocapture the_core_s_modules_only_point_down
disk "after the Linux tests"
echo "== Windows: linted, built, unit tests and the command-line suites under Wine (scripts/windows.sh)" >&2
scripts/windows.sh
disk "after Windows"
echo "== macOS: linted (scripts/macos.sh)" >&2
scripts/macos.sh
echo "== the importer's fuzz target, from the committed seed corpus (a finding fails the run)" >&2
AUTHCERT_FUZZ_SECONDS="${AUTHCERT_FUZZ_SECONDS:-60}" scripts/fuzz.sh
echo "== shellcheck scripts/ and the workflow lint (yamllint, actionlint, zizmor)" >&2
shellcheck -S warning scripts/*.sh .ci/run
scripts/lint-workflows.sh
echo "== the .deb and .rpm as they ship: built, checked, installed with apt, started" >&2
scripts/test-install.sh
disk end
