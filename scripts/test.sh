#!/usr/bin/env bash
# Runs every test of the solution (unit and integration) on this machine.
# Installs what is missing (Azurite into .tools/), lets the test fixtures start moto and Azurite on free
# loopback ports, and stops them when the tests end. Extra arguments go to `dotnet test`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib/tools.sh"

ensure_moto
ensure_azurite

results="$root/artifacts/test-results"
rm -rf "$results"
mkdir -p "$results"

status=0
source "$root/scripts/lib/infra-checks.sh"
echo "--- infra checks ---"
check_infra_format || status=1

dotnet test KvReplicator.Local.slnf --nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=normal" "$@" || status=1

print_test_totals "$results"
exit "$status"
