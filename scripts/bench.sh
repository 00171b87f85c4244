#!/usr/bin/env bash
# Reproduces every figure in BENCHMARKS.md and prints them as Markdown:
# the machine, the .deb's size, the engine and the command line against
# OpenSSL, the list, and the real window (cold start, Generate → password,
# idle memory) driven on the binary that ships in the .deb.
# AUTHCERT_BENCH_RUNS=N changes the runs per cell.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
scripts/deps.sh bundle

echo "## Machine"
echo
echo "$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ {print $2}') GB,"
echo "$(. /etc/os-release && echo "$PRETTY_NAME"); $(rustc --version); $(openssl version | cut -d' ' -f1-2); $(date -u +%Y-%m-%d)"
echo

# The installer first: `cargo bench` below writes target/release too, so the
# shipped binary is unpacked from the .deb and driven from there.
read -r deb size _ < <(scripts/deb.sh)
rm -rf target/bench-deb
dpkg-deb -x "$deb" target/bench-deb
echo "## Installer"
echo
echo "$(basename "$deb"): $size bytes ($(awk "BEGIN {printf \"%.2f\", $size / 1048576}") MB);"
echo "the programs inside: authcert-app (the window) $(stat -c %s target/bench-deb/usr/bin/authcert-app) bytes, authcert (the command line) $(stat -c %s target/bench-deb/usr/bin/authcert) bytes."
echo

echo "## Engine, command line and OpenSSL"
echo
cargo bench --locked --bench generate 2>/dev/null
echo
echo "## The list (1,000 records)"
echo
cargo bench --locked --bench list 2>/dev/null
echo
echo "## Test with your API, beside curl"
echo
AUTHCERT_APP_BINARY="$PWD/target/bench-deb/usr/bin/authcert-app" \
AUTHCERT_CLI_BINARY="$PWD/target/bench-deb/usr/bin/authcert" \
  cargo bench --locked --bench connect 2>/dev/null
echo
echo "## Check every integration, beside curl"
echo
AUTHCERT_CLI_BINARY="$PWD/target/bench-deb/usr/bin/authcert" \
  cargo bench --locked --bench check 2>/dev/null
echo
echo "## The window"
echo
# The yardstick: a bare Tauri 2 window, built as the .deb's app is (release
# profile, custom protocol).
cargo build --release --locked -p bare-window --features tauri/custom-protocol >&2
AUTHCERT_APP_BINARY="$PWD/target/bench-deb/usr/bin/authcert-app" \
AUTHCERT_BARE_BINARY="$PWD/target/release/bare-window" \
  cargo bench --locked --bench window 2>/dev/null
