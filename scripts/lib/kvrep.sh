# Shared by scripts/demo.sh and scripts/test-plan.sh: build kvrep once (Release) and run it.
# Build output goes to stderr so that `--json` leaves stdout as one JSON document.

kvrep_dll="$root/src/KvReplicator.Cli/bin/Release/net10.0/kvrep.dll"

build_kvrep() {
  echo "building kvrep (Release)..." >&2
  dotnet build "$root/src/KvReplicator.Cli/KvReplicator.Cli.csproj" -c Release --nologo -v quiet -clp:ErrorsOnly >&2
}

run_kvrep() {
  exec dotnet "$kvrep_dll" "$@"
}
