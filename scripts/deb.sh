#!/usr/bin/env bash
# Builds the Linux installer (.deb) and prints "<path> <bytes> bytes"
# (scripts/packages.sh does the work).
set -euo pipefail
exec "$(dirname "$0")/packages.sh" deb
