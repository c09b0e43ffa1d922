# Shared by scripts/demo.sh and scripts/test-plan.sh: build kvrep-dev (the developer's verbs, which host the
# production kvrep serve in process) once in Release, and run it.
# Build output goes to stderr so that `--json` leaves stdout as one JSON document.

kvrep_dev_dll="$root/src/KvReplicator.DevTools/bin/Release/net10.0/kvrep-dev.dll"

build_kvrep_dev() {
  echo "building kvrep-dev (Release)..." >&2
  dotnet build "$root/src/KvReplicator.DevTools/KvReplicator.DevTools.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
}

run_kvrep_dev() {
  exec dotnet "$kvrep_dev_dll" "$@"
}
