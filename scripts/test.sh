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

test_projects=$(python3 -c 'import json,sys; print(sum(1 for p in json.load(open(sys.argv[1]))["solution"]["projects"] if "tests" in p.replace("\\\\","/").split("/")[0]))' KvReplicator.Local.slnf)
print_test_totals "$results" "$test_projects"
exit "$status"
