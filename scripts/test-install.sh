#!/usr/bin/env bash
# Builds the .deb and .rpm as they ship, checks both packages, installs the
# .deb with apt from a clean folder, proves the installed command line makes a
# file OpenSSL opens, starts the installed app under its own Xvfb display and
# waits for its window, then removes the package again. Needs root or sudo.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh test
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"

fail() { echo "test-install: $*" >&2; exit 1; }
version=$(sed -n 's/^version = "\(.*\)"/\1/p;T;q' Cargo.toml)

mapfile -t built < <(scripts/packages.sh deb rpm)
deb=$(printf '%s\n' "${built[@]}" | awk '/\.deb /{print $1}')
rpm=$(printf '%s\n' "${built[@]}" | awk '/\.rpm /{print $1}')
[ -f "$deb" ] || fail "no .deb was built"
[ -f "$rpm" ] || fail "no .rpm was built"
printf '%s\n' "${built[@]}"

# The packages: names, version, contents, dependencies, desktop entry.
[ "$(basename "$deb")" = "AuthCert_${version}_amd64.deb" ] || fail "unexpected .deb name $deb"
[ "$(dpkg-deb -f "$deb" Version)" = "$version" ] || fail ".deb version"
# Every check reads a command's whole output first and then greps it: under
# pipefail, `cmd | grep -q` fails when grep stops at the first match and cmd
# gets SIGPIPE (tests/scripts.rs refuses that pattern in every script).
depends=$(dpkg-deb -f "$deb" Depends) || fail "dpkg-deb cannot read $deb"
grep -q libwebkit2gtk-4.1-0 <<<"$depends" || fail ".deb does not depend on WebKitGTK"
[ "$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | grep -c md5sums)" -eq 1 ] || fail ".deb has no md5sums"
deb_files=$(dpkg-deb -c "$deb" | awk '{print $6}') || fail "dpkg-deb cannot list $deb"
for f in ./usr/bin/authcert ./usr/bin/authcert-app ./usr/share/applications/AuthCert.desktop \
         ./usr/share/icons/hicolor/128x128/apps/authcert-app.png; do
  grep -qx "$f" <<<"$deb_files" || fail ".deb lacks $f"
done
[ "$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)" = "$version" ] || fail ".rpm version"
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null) || fail "rpm cannot list $rpm"
grep -qx /usr/bin/authcert <<<"$rpm_files" || fail ".rpm lacks /usr/bin/authcert"
grep -qx /usr/bin/authcert-app <<<"$rpm_files" || fail ".rpm lacks /usr/bin/authcert-app"
rpm_requires=$(rpm -qpR "$rpm" 2>/dev/null) || fail "rpm cannot read $rpm"
grep -q "^libwebkit2gtk-4.1.so" <<<"$rpm_requires" || fail ".rpm does not require WebKitGTK"

work=$(mktemp -d)
app=""
xvfb=""
cleanup() {
  [ -z "$app" ] || kill "$app" 2>/dev/null || true
  [ -z "$xvfb" ] || kill "$xvfb" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Install from a clean folder, as an admin would with a download.
mkdir "$work/download"
cp "$deb" "$work/download/"
(cd "$work/download" && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "./$(basename "$deb")" >&2)
installed=$(dpkg-query -W -f='${Status} ${Version}\n' auth-cert) || fail "auth-cert is not installed"
grep -qx "install ok installed $version" <<<"$installed" || fail "auth-cert is not installed"
desktop-file-validate /usr/share/applications/AuthCert.desktop || fail "desktop entry is not valid"
[ "$(command -v authcert)" = /usr/bin/authcert ] || fail "authcert is not on the path"
[ "$(/usr/bin/authcert --version 2>&1)" = "authcert $version" ] || fail "authcert --version"
# Two programs: the window for the desktop entry, and a command line that
# loads no part of the window (no WebKit, no GTK).
grep -qx 'Exec=authcert-app' /usr/share/applications/AuthCert.desktop || fail "the desktop entry does not start authcert-app"
cli_libs=$(ldd /usr/bin/authcert) || fail "ldd cannot read /usr/bin/authcert"
if grep -Eq 'webkit|gtk|gdk|glib|javascriptcore' <<<"$cli_libs"; then
  fail "the command line links the window's libraries: $cli_libs"
fi
app_libs=$(ldd /usr/bin/authcert-app) || fail "ldd cannot read /usr/bin/authcert-app"
grep -q libwebkit2gtk-4.1 <<<"$app_libs" || fail "authcert-app does not link WebKitGTK"

# The installed command line makes a file OpenSSL opens with the password.
export AUTHCERT_DATA_DIR="$work/data" HOME="$work/home"
mkdir -p "$HOME"
password=$(/usr/bin/authcert generate --nickname "Installed check" --end-date "$(date -d '+30 days' +%F)" \
  --out "$work/installed.p12")
openssl pkcs12 -in "$work/installed.p12" -noout -passin "pass:$password" || fail "the .p12 does not open"
listed=$(/usr/bin/authcert list --json) || fail "authcert list failed"
grep -q '"Installed check"' <<<"$listed" || fail "authcert list does not show it"

# The installed app opens its window.
Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$work/display" 2>/dev/null &
xvfb=$!
for _ in $(seq 1 100); do
  grep -q '^[0-9]*$' "$work/display" 2>/dev/null && [ -s "$work/display" ] && break
  sleep 0.1
done
display=$(cat "$work/display")
[ -n "$display" ] || fail "Xvfb did not start"
# `authcert` with no subcommand opens the window (it becomes authcert-app).
DISPLAY=":$display" /usr/bin/authcert >"$work/app.log" 2>&1 &
app=$!
DISPLAY=":$display" timeout 60 xdotool search --sync --onlyvisible --name '^AuthCert$' >/dev/null \
  || { cat "$work/app.log" >&2; fail "the installed app's window did not appear"; }
# The page is drawn (not a blank window): wait until the screen has colours.
mkdir -p target/screenshots
shot=target/screenshots/installed-deb.png
for _ in $(seq 1 100); do
  DISPLAY=":$display" import -window root "$shot"
  [ "$(convert "$shot" -format '%k' info:)" -gt 16 ] && break
  sleep 0.1
done
[ "$(convert "$shot" -format '%k' info:)" -gt 16 ] || fail "the installed app's window stays blank ($shot)"
[ "$(cat "/proc/$app/comm")" = authcert-app ] || fail "authcert did not open authcert-app (it runs $(cat "/proc/$app/comm"))"
kill "$app"
wait "$app" 2>/dev/null || true
app=""

DEBIAN_FRONTEND=noninteractive $sudo apt-get remove -y -qq auth-cert >&2
[ ! -e /usr/bin/authcert ] || fail "authcert is still installed after removal"
echo "test-install: the .deb and .rpm check out; installed, used, opened, removed ($shot)"
