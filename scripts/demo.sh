#!/usr/bin/env bash
# The one-command demo: installs what is missing (moto with pip, Azurite into .tools/ with npm), builds kvrep-dev
# and runs `kvrep-dev demo` with this script's arguments, e.g. ./scripts/demo.sh --json or --secrets 50 --duplicates 0.3.
# Everything it starts listens on loopback only and is stopped when it ends, also on Ctrl-C.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib/tools.sh"
source "$root/scripts/lib/kvrep-dev.sh"

ensure_moto
ensure_azurite
build_kvrep_dev
run_kvrep_dev demo "$@"
