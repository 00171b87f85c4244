#!/usr/bin/env bash
# AuthCert for macOS, linted from this Linux machine on every test run
# (scripts/test.sh calls it): clippy with -D warnings over the whole
# workspace, every target and feature, for aarch64-apple-darwin, so the
# macOS keychain store, file protection and paths are compiled and linted
# like the Linux code. Nothing can be linked or run without Apple's SDK:
# building and running on a Mac stays with the release workflow.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh macos
# shellcheck source=scripts/cross.sh
. scripts/cross.sh macos
echo "== macos: cargo clippy --workspace --all-targets --all-features --target $TARGET -- -D warnings" >&2
cargo clippy --locked --workspace --all-targets --all-features --target "$TARGET" "${BUILD_STD[@]}" -- -D warnings
echo "macos: linted" >&2
