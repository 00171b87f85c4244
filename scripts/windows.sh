#!/usr/bin/env bash
# AuthCert for Windows, from this Linux machine, on every test run
# (scripts/test.sh calls it): every cfg(windows) line linted like the Linux
# ones, authcert.exe and authcert-app.exe built, the core's and the command
# line's unit tests run under Wine through cargo's target runner, and the
# command-line suites of tests/ run against authcert.exe under Wine with the
# assertions they make of the Linux binary. What only a real Windows can
# show (the window, the installers) is listed in the README.
#   scripts/windows.sh          all of it
#   scripts/windows.sh build    lint and build only
#   AUTHCERT_WINDOWS_SUITES="cli list"   run only these suites under Wine
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
scripts/deps.sh windows

wine=/usr/lib/wine/wine64
export WINEDEBUG=-all
export WINEPREFIX="$root/target/cross/wine-prefix"
tools="$root/target/cross/wine-tools"

# The cross build, with Debian's compiler (scripts/cross.sh), in a subshell
# so that the Linux suites below run with the usual toolchain.
(
  # shellcheck source=scripts/cross.sh
  . scripts/cross.sh windows
  echo "== windows: cargo clippy --workspace --all-targets --all-features --target $TARGET -- -D warnings" >&2
  cargo clippy --locked --workspace --all-targets --all-features --target "$TARGET" "${BUILD_STD[@]}" -- -D warnings
  echo "== windows: authcert.exe and authcert-app.exe" >&2
  cargo build --locked --features test-hooks --bins --target "$TARGET" "${BUILD_STD[@]}"
)
bin="$root/target/cross/x86_64-pc-windows-gnu/debug"

# The console program and the windowed one: the PE header's subsystem (3 a
# console program, which a terminal waits for; 2 a window, which opens no
# console), and imports of system DLLs only (mingw's runtime is static).
# One exception, the window's WebView2Loader.dll: the GNU target links the
# WebView2 loader as a DLL (Tauri's bundler puts it beside the .exe), the
# release's MSVC build links it in statically.
subsystem() {
  local pe
  pe=$(od -An -tu4 -j60 -N4 "$1" | tr -d ' ')
  od -An -tu2 -j$((pe + 92)) -N2 "$1" | tr -d ' '
}
[ "$(subsystem "$bin/authcert.exe")" = 3 ] || { echo "windows: authcert.exe is not a console program" >&2; exit 1; }
[ "$(subsystem "$bin/authcert-app.exe")" = 2 ] || { echo "windows: authcert-app.exe opens a console" >&2; exit 1; }
system='api-ms-win-[a-z0-9-]+|kernel32|user32|gdi32|advapi32|ntdll|ws2_32|bcrypt|bcryptprimitives|crypt32|ole32|oleaut32|combase|shell32|shlwapi|comctl32|dwmapi|userenv|imm32|propsys|msvcrt|rpcrt4|ktmw32'
for exe in authcert.exe authcert-app.exe; do
  dlls=$(x86_64-w64-mingw32-objdump -p "$bin/$exe" | sed -n 's/^\tDLL Name: //p')
  allowed="^($system)\.dll$"
  [ "$exe" = authcert-app.exe ] && allowed="^($system|webview2loader)\.dll$"
  if grep -viE "$allowed" <<<"$dlls"; then
    echo "windows: $exe imports a DLL Windows does not ship (above)" >&2
    exit 1
  fi
done
[ "${1:-}" = build ] && exit 0

# A Wine prefix for the tests, with the one DLL Wine 8 lacks (a test
# fixture, never shipped: tests/support/wine/processprng.c), and the tool
# that reads its Credential Manager as secret-tool reads GNOME Keyring
# (credread.c).
mkdir -p "$tools"
if [ ! -f "$WINEPREFIX/system.reg" ]; then
  echo "== windows: a fresh Wine prefix" >&2
  "$wine" wineboot --init >/dev/null 2>&1 || true
  # The registry reaches its files when the prefix's wineserver ends.
  /usr/lib/wine/wineserver -w
  [ -f "$WINEPREFIX/system.reg" ] || { echo "windows: wineboot made no prefix" >&2; exit 1; }
fi
x86_64-w64-mingw32-gcc -O2 -shared -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  tests/support/wine/processprng.c tests/support/wine/bcryptprimitives.def -lbcrypt
x86_64-w64-mingw32-gcc -O2 -Wall -o "$tools/credread.exe" tests/support/wine/credread.c -ladvapi32
# One wineserver for every run below, instead of one started per process
# (one that is running already is kept: it refuses to start twice).
/usr/lib/wine/wineserver -p 2>/dev/null || true
trap '/usr/lib/wine/wineserver -k 2>/dev/null || true' EXIT
# The prefix's services start with the first program: started by a test's
# command, they would keep its output pipe open and the test would wait.
"$wine" cmd /c exit </dev/null >/dev/null 2>&1

(
  # shellcheck source=scripts/cross.sh
  . scripts/cross.sh windows
  echo "== windows: the core's and the command line's unit tests, under Wine" >&2
  export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_RUNNER="$wine"
  cargo test --locked -p authcert-core -p authcert-cli --features test-hooks --lib \
    --target "$TARGET" "${BUILD_STD[@]}"
)

# The command-line suites, built for Linux as scripts/test.sh builds them,
# each `authcert` they start being authcert.exe under Wine.
suites=${AUTHCERT_WINDOWS_SUITES:-cli list import connect authority hostile_cli secrets interop faults keychain escapes requested integrations}
tests=()
for s in $suites; do tests+=(--test "$s"); done
echo "== windows: the command-line suites against authcert.exe under Wine: $suites" >&2
AUTHCERT_TEST_TARGET=windows \
AUTHCERT_TEST_BIN="$root/tests/support/wine/authcert" \
AUTHCERT_WINDOWS_EXE="$bin/authcert.exe" \
AUTHCERT_WINE_TOOLS="$tools" \
  cargo test --locked --workspace --exclude bare-window --features test-hooks --no-fail-fast "${tests[@]}"
echo "windows: linted, built, unit tests and command-line suites passed under Wine" >&2
