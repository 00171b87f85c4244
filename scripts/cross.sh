# shellcheck shell=bash
# Sourced by scripts/windows.sh and scripts/macos.sh: builds for another
# system from this Linux machine. rustup cannot add targets here, but
# Debian's rustc-web ships the standard library's source where -Zbuild-std
# looks (FIELD-NOTES: Windows from Linux), so Debian's cargo, rustc and
# clippy build std for the target themselves. They keep their own target
# folder: another compiler's artifacts would only be rebuilt.
# The Python that scripts/deps.sh installed zig into, found before PATH
# puts Debian's tools first.
PYTHON=$(command -v python3)
export PATH="/usr/bin:$PATH"
export RUSTC=/usr/bin/rustc
# -Zbuild-std is unstable; Debian's stable compiler takes it with this.
export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR="$PWD/target/cross"
# No debug info: the cross builds are linted, run and thrown away, and
# linking without it is much quicker.
export CARGO_PROFILE_DEV_DEBUG=0
# shellcheck disable=SC2034 # used by the scripts that source this one
BUILD_STD=("-Zbuild-std=std,panic_unwind")

case "${1:-}" in
  windows)
    TARGET=x86_64-pc-windows-gnu
    export CARGO_TARGET_X86_64_PC_WINDOWS_GNU_LINKER=x86_64-w64-mingw32-gcc
    export CC_x86_64_pc_windows_gnu=x86_64-w64-mingw32-gcc
    export CXX_x86_64_pc_windows_gnu=x86_64-w64-mingw32-g++
    export AR_x86_64_pc_windows_gnu=x86_64-w64-mingw32-ar
    ;;
  macos)
    TARGET=aarch64-apple-darwin
    # zig's C compiler for macOS, without Apple's SDK (nothing is linked in
    # a check). cc-rs adds --target=arm64-apple-macosx, which zig refuses:
    # the wrappers drop it.
    zig="$PWD/target/cross/zig"
    mkdir -p "$zig"
    for tool in cc c++; do
      cat >"$zig/$tool" <<WRAPPER
#!/usr/bin/env bash
args=()
for a in "\$@"; do
  case "\$a" in --target=*) ;; *) args+=("\$a") ;; esac
done
exec $PYTHON -m ziglang $tool -target aarch64-macos "\${args[@]}"
WRAPPER
      chmod +x "$zig/$tool"
    done
    printf '#!/usr/bin/env bash\nexec %s -m ziglang ar "$@"\n' "$PYTHON" >"$zig/ar"
    chmod +x "$zig/ar"
    export CC_aarch64_apple_darwin="$zig/cc" CXX_aarch64_apple_darwin="$zig/c++"
    export AR_aarch64_apple_darwin="$zig/ar"
    # mac-notification-sys compiles Objective-C against Cocoa's headers,
    # which zig lacks; its build script steps aside for docs.rs builds, and
    # a check links nothing.
    export DOCS_RS=1
    ;;
  *)
    echo "cross.sh: say windows or macos" >&2
    return 2
    ;;
esac
export TARGET
