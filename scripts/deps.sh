#!/usr/bin/env bash
# Installs what AuthCert needs on Debian/Ubuntu, skipping what is present.
#   scripts/deps.sh app    build and run the window
#   scripts/deps.sh bundle also what building the .deb and .rpm needs
#   scripts/deps.sh test   also the third-party tools the tests check files
#                          and packages with
#   scripts/deps.sh windows  the Windows cross build and Wine (scripts/windows.sh)
#   scripts/deps.sh macos    the macOS lint's C compiler, zig (scripts/macos.sh)
set -euo pipefail

want=(build-essential pkg-config libwebkit2gtk-4.1-dev curl)
if [ "${1:-app}" = windows ] || [ "${1:-app}" = macos ]; then
  # Debian's own Rust (rustc-web) ships the standard library's source where
  # -Zbuild-std looks, which rustup cannot add here (FIELD-NOTES: Windows
  # from Linux); its clippy lints with the same compiler.
  want+=(rustc-web cargo-web rust-web-src libstd-rust-web-dev rust-web-clippy)
fi
if [ "${1:-app}" = windows ]; then
  # mingw-w64 links the .exe files and builds aws-lc's C, NASM its assembly;
  # Wine 8 runs the command line and the unit tests.
  want+=(gcc-mingw-w64-x86-64 g++-mingw-w64-x86-64 binutils-mingw-w64-x86-64 nasm wine64)
fi
if [ "${1:-app}" = bundle ] || [ "${1:-app}" = test ]; then
  # The Tauri CLI comes from npm (prebuilt; it packs the .deb itself).
  command -v npx >/dev/null 2>&1 || want+=(nodejs npm)
fi
if [ "${1:-app}" = test ]; then
  want+=(openssl python3 xvfb xauth webkit2gtk-driver xdotool xclip imagemagick
         gnome-keyring dbus libsecret-tools
         rpm desktop-file-utils python3-venv shellcheck
         nginx-light apache2 easy-rsa gnutls-bin jq systemd)
  # nginx and Apache httpd are started by the tests on 127.0.0.1 only (never
  # as services): the servers the examples and the connection test reach.
  # easy-rsa and GnuTLS certtool sign AuthCert's requests as a company CA
  # would; jq runs the DigiCert ONE example (tests/requested.rs);
  # systemd-analyze verifies the README's daily-check timer (never started).
  # Java may come from elsewhere than Debian's package; keytool is what counts.
  command -v keytool >/dev/null 2>&1 || want+=(default-jre-headless)
fi

missing=()
for p in "${want[@]}"; do
  [ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" = 'install ok installed' ] || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "Rust is missing: install it from https://rustup.rs, then run this again." >&2
  exit 1
fi

if [ "${1:-app}" = macos ] && [ "$(python3 -m ziglang version 2>/dev/null)" != 0.17.1 ]; then
  # zig compiles the C of aws-lc-sys and objc2 for macOS without Apple's SDK
  # (a check links nothing): PyPI's ziglang, pinned.
  echo "Installing zig 0.17.1 (PyPI's ziglang) for the macOS lint" >&2
  python3 -m pip install --quiet 'ziglang==0.17.1' >&2 \
    || python3 -m pip install --quiet --break-system-packages 'ziglang==0.17.1' >&2
fi

if [ "${1:-app}" = test ]; then
  if ! command -v tauri-driver >/dev/null 2>&1 && [ ! -x "${CARGO_HOME:-$HOME/.cargo}/bin/tauri-driver" ]; then
    echo "Installing tauri-driver (WebDriver for the app's window)" >&2
    cargo install tauri-driver --locked --version '^2' >&2
  fi
  # 0.20: its advisory database's age is really checked (0.18 never did).
  if ! grep -q '^cargo-deny 0\.20\.' <<<"$(cargo deny --version 2>/dev/null)"; then
    echo "Installing cargo-deny 0.20 (supply-chain and vulnerability checks)" >&2
    cargo install cargo-deny --locked --version '^0.20' >&2
  fi
  # axe-core, the accessibility audit the window tests inject into the
  # page (tests/a11y_window.rs): pinned, into target/a11y, never committed
  # and never part of the app.
  a11y="$(cd "$(dirname "$0")/.." && pwd)/target/a11y"
  if [ ! -f "$a11y/node_modules/axe-core/axe.min.js" ] \
    || ! grep -q '"version": "4.14.1"' "$a11y/node_modules/axe-core/package.json"; then
    echo "Installing axe-core 4.14.1 into $a11y" >&2
    npm install --prefix "$a11y" --no-audit --no-fund --silent axe-core@4.14.1 >&2
  fi
  # cryptography reads the files; requests and httpx run the "How to use
  # it" examples.
  if ! python3 -c 'import cryptography, requests, httpx' 2>/dev/null; then
    echo "Installing Python's cryptography, requests and httpx" >&2
    python3 -m pip install --quiet cryptography requests httpx >&2 \
      || python3 -m pip install --quiet --break-system-packages cryptography requests httpx >&2
  fi
fi
