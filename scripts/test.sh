#!/usr/bin/env bash
# Runs every test of the solution (unit and integration) on this machine.
# Installs what is missing (the pinned Azurite into .tools/, the pinned moto into .tools/venv, Debian's prometheus
# with apt-get), lets the test fixtures start moto, Azurite and Prometheus on free loopback ports, and stops them
# when the tests end. Extra arguments go to `dotnet test`.
# The console shows the build, each failure with its message, and the totals; what the tests print (host logs)
# is in the .trx files under artifacts/test-results/. The test hosts get a temp directory of their own under
# artifacts/tmp/, removed after a green run, so runs in two clones never meet and nothing is left in /tmp.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
source "$root/scripts/lib/tools.sh"

ensure_moto
ensure_azurite
ensure_prometheus

results="$root/artifacts/test-results"
rm -rf "$results" "$root/artifacts/tmp"
mkdir -p "$results" "$root/artifacts/tmp"
machine_tmp="${TMPDIR:-/tmp}"
run_tmp="$(mktemp -d "$root/artifacts/tmp/run.XXXXXX")"
# Others may pass through (not list): a test starts the published serve as the image's own user.
chmod 711 "$run_tmp"
started="$run_tmp/.started"
touch "$started"

status=0
source "$root/scripts/lib/infra-checks.sh"
echo "--- infra checks ---"
check_infra_format || status=1

# TMPDIR reaches the test hosts and every process they start (moto, Azurite, signing helpers); the build keeps
# the machine's temp directory, so build servers it starts stay usable by later builds.
# Measurements run by hand (Category=Perf, see docs/benchmarks.md) are no check: they are left out of the run
# rather than counted as skipped, unless the caller chooses tests with a --filter of their own.
filter=(--filter "Category!=Perf")
for argument in "$@"; do
  if [ "$argument" = "--filter" ]; then filter=(); fi
done
dotnet test KvReplicator.Local.slnf --nologo \
  --logger "trx" --results-directory "$results" \
  --logger "console;verbosity=minimal" \
  --environment "TMPDIR=$run_tmp" "${filter[@]}" "$@" || status=1

# Anything of the run's in the machine's temp directory escaped the run's own. The names are the prefixes of the
# project's temp files: kvrep-test- (tests and fixtures) and kvrep-cred- (the signing helper's key folder). Only
# entries made since the run started are reported, older ones belong to others, and nothing there is deleted.
# A kvrep-test-run- folder there is never this run's: its test hosts make theirs inside $run_tmp (TMPDIR), so one
# in the machine's temp directory is another run's on the same machine (e.g. a `dotnet test` by hand).
escaped="$(find "$machine_tmp" -mindepth 1 -maxdepth 1 \( -name 'kvrep-test-*' -o -name 'kvrep-cred-*' \) ! -name 'kvrep-test-run-*' -newer "$started" 2>/dev/null || true)"
if [ -n "$escaped" ]; then
  echo "the tests left these in $machine_tmp instead of their own temp directory:" >&2
  printf '  %s\n' $escaped >&2
  status=1
fi

if [ "$status" -eq 0 ]; then
  rm -rf "$run_tmp"
else
  echo "the run's temp files are kept in ${run_tmp#"$root/"} and its logs in the .trx files of ${results#"$root/"}" >&2
fi

test_projects=$(python3 -c 'import json,sys; print(sum(1 for p in json.load(open(sys.argv[1]))["solution"]["projects"] if "tests" in p.replace("\\\\","/").split("/")[0]))' KvReplicator.Local.slnf)
print_test_totals "$results" "$test_projects"
exit "$status"
