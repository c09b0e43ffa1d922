#!/usr/bin/env bash
# The test plan (docs/test-plan.md): six cases, a Markdown table on stdout (or --json), non-zero exit if a case fails.
#   ./scripts/test-plan.sh                      local: a running `kvrep-dev localcloud`, else an in-process local cloud
#   ./scripts/test-plan.sh --fresh              local, always in-process (all six cases, with fault injection)
#   ./scripts/test-plan.sh --key-vault-uri https://VAULT.vault.azure.net/ --aws-region eu-west-1 [--aws-profile P] [--target-prefix X]
#       [--redeliver-url https://HOST/api/events [--redeliver-key-in-query]]   case 2; key in KVREP_REDELIVER_KEY
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib/tools.sh"
source "$root/scripts/lib/kvrep-dev.sh"

# Only the local target needs the emulators.
if [[ " $* " != *" --key-vault-uri "* && " $* " != *" --target azure "* ]]; then
  ensure_moto
  ensure_azurite
fi
build_kvrep_dev
run_kvrep_dev test-plan "$@"
