# Shared by scripts/*.sh: find or install the emulators, and summarise test results.

ensure_moto() {
  if ! command -v moto_server >/dev/null 2>&1 && [ -z "${KVREP_MOTO_SERVER:-}" ]; then
    echo "moto_server not found; installing moto[server] with pip" >&2
    python3 -m pip install --quiet 'moto[server]' >&2
  fi
}

ensure_azurite() {
  if [ -z "${KVREP_AZURITE:-}" ] && [ ! -x "$root/.tools/node_modules/.bin/azurite-blob" ]; then
    echo "Azurite not found; installing it into .tools/ with npm" >&2
    mkdir -p "$root/.tools"
    npm install --prefix "$root/.tools" --no-audit --no-fund --silent azurite >&2
  fi
}

# Adds up the counters of every .trx file under $1 and prints "N passed, N failed, N skipped".
print_test_totals() {
  python3 - "$1" <<'PY'
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
print(f"{passed} passed, {failed} failed, {skipped} skipped")
PY
}
