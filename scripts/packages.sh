#!/usr/bin/env bash
# Builds the Linux packages offline with the Tauri CLI from npm and prints
# one line per package: "<path> <bytes> bytes". The CLI builds the release
# profile with tauri/custom-protocol (the production build).
#   scripts/packages.sh            the .deb and the .rpm
#   scripts/packages.sh deb        only the .deb (scripts/deb.sh)
#   scripts/packages.sh deb rpm appimage   (the release workflow; the
#                                  AppImage downloads its tools from GitHub)
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || set -- deb rpm
scripts/deps.sh bundle
rm -rf target/release/bundle
bundles=$(IFS=,; echo "$*")
npx --yes @tauri-apps/cli@^2 build --bundles "$bundles" >&2

for deb in target/release/bundle/deb/*.deb; do
  # Tauri's bundler compresses with gzip; dpkg's own default, xz, makes the
  # download about a third smaller (BENCHMARKS.md) and every apt reads it.
  work=$(mktemp -d)
  dpkg-deb -R "$deb" "$work/pkg"
  dpkg-deb -Zxz -z9 --root-owner-group -b "$work/pkg" "$work/new.deb" >/dev/null
  mv "$work/new.deb" "$deb"
  rm -rf "$work"
done

shopt -s nullglob
for package in target/release/bundle/deb/*.deb target/release/bundle/rpm/*.rpm \
               target/release/bundle/appimage/*.AppImage; do
  echo "$package $(stat -c %s "$package") bytes"
done
