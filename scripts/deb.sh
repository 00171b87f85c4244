#!/usr/bin/env bash
# Builds the Linux installer (.deb) offline with the Tauri CLI from npm, and
# prints where it is and its size. The CLI builds the release profile with
# tauri/custom-protocol (the production build).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh bundle
npx --yes @tauri-apps/cli@^2 build --bundles deb >&2
deb=$(ls -t target/release/bundle/deb/*.deb | head -n 1)
# Tauri's bundler compresses with gzip; dpkg's own default, xz, makes the
# download about a third smaller (BENCHMARKS.md) and every apt reads it.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
dpkg-deb -R "$deb" "$work/pkg"
dpkg-deb -Zxz -z9 --root-owner-group -b "$work/pkg" "$work/new.deb" >/dev/null
mv "$work/new.deb" "$deb"
echo "$deb $(stat -c %s "$deb") bytes"
