# Shared by scripts/*.sh: find or install the emulators, and summarise test results.

# moto goes into a virtual environment under .tools/ when it is not on PATH: distributions that mark their
# Python as externally managed (PEP 668) refuse a plain `pip install`, and a venv needs no root either.
# The emulator launcher looks for .tools/venv/bin/moto_server too.
ensure_moto() {
  if [ -n "${KVREP_MOTO_SERVER:-}" ] || command -v moto_server >/dev/null 2>&1 || [ -x "$root/.tools/venv/bin/moto_server" ]; then
    return 0
  fi
  echo "moto_server not found; installing moto[server] into .tools/venv" >&2
  mkdir -p "$root/.tools"
  python3 -m venv "$root/.tools/venv" >&2
  "$root/.tools/venv/bin/python" -m pip install --quiet 'moto[server]' >&2
}

ensure_azurite() {
  if [ -z "${KVREP_AZURITE:-}" ] && [ ! -x "$root/.tools/node_modules/.bin/azurite-blob" ]; then
    echo "Azurite not found; installing it into .tools/ with npm" >&2
    mkdir -p "$root/.tools"
    npm install --prefix "$root/.tools" --no-audit --no-fund --silent azurite >&2
  fi
}

# Adds up the counters of every .trx file under $1 and prints "N passed, N failed, N skipped". A test project
# that left no .trx (it did not build, or its host crashed) counts as one failure, so a broken run can never
# end on "0 failed"; $2 is the number of test projects expected.
print_test_totals() {
  python3 - "$1" "${2:-0}" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find("t:ResultSummary/t:Counters", ns)
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
    skipped += int(counters.get("notExecuted", 0))
reports = len(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True))
missing = max(0, int(sys.argv[2]) - reports)
if missing:
    print(f"{missing} test project(s) produced no results (build or test host failure)", file=sys.stderr)
failed += missing
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}
