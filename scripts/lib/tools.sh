# Shared by scripts/*.sh: find or install the emulators, and summarise test results.

# The emulators' exact versions, here and in .github/workflows/ci.yml (a test keeps the two equal). Azurite
# 3.35.0 is the newest that runs on Node 20, which this machine has (3.36 needs Node 21, 3.37 Node 22); moto 5.2.1
# is the one this machine's Python comes with.
azurite_version=3.35.0
moto_version=5.2.1

# Prints the version of moto behind a moto_server program (nothing if there is none): the Python of its #! line,
# or python3 for launchers that are not Python scripts themselves (pyenv's shims).
moto_version_of() {
  local program="$1" interpreter
  [ -n "$program" ] && [ -x "$program" ] || return 0
  interpreter="$(head -n 1 "$program" | sed -n 's/^#![[:space:]]*//p')"
  case "$interpreter" in
    *python*) ;;
    *) interpreter=python3 ;;
  esac
  $interpreter -c 'import importlib.metadata as m; print(m.version("moto"))' 2>/dev/null || true
}

# Exports KVREP_MOTO_SERVER (which the emulator launcher reads) as a moto_server of exactly $moto_version: the
# one in .tools/venv, else the one on PATH, else moto[server]==$moto_version installed into .tools/venv.
# A venv because distributions that mark their Python as externally managed (PEP 668) refuse a plain
# `pip install`, and a venv needs no root either. A KVREP_MOTO_SERVER set by the caller is used as it is.
ensure_moto() {
  [ -n "${KVREP_MOTO_SERVER:-}" ] && return 0
  local venv="$root/.tools/venv" candidate
  for candidate in "$venv/bin/moto_server" "$(command -v moto_server || true)"; do
    if [ "$(moto_version_of "$candidate")" = "$moto_version" ]; then
      export KVREP_MOTO_SERVER="$candidate"
      return 0
    fi
  done
  echo "moto_server $moto_version not found; installing moto[server]==$moto_version into .tools/venv" >&2
  rm -rf "$venv"
  mkdir -p "$root/.tools"
  python3 -m venv "$venv" >&2
  "$venv/bin/python" -m pip install --quiet "moto[server]==$moto_version" >&2
  export KVREP_MOTO_SERVER="$venv/bin/moto_server"
}

# Exports KVREP_AZURITE as .tools/'s azurite-blob, installing Azurite $azurite_version there with npm when another
# version or none is installed. A KVREP_AZURITE set by the caller is used as it is.
ensure_azurite() {
  [ -n "${KVREP_AZURITE:-}" ] && return 0
  local installed
  installed="$(node -p 'require(process.argv[1]).version' "$root/.tools/node_modules/azurite/package.json" 2>/dev/null || true)"
  if [ "$installed" != "$azurite_version" ]; then
    echo "Azurite $azurite_version not found; installing it into .tools/ with npm" >&2
    mkdir -p "$root/.tools"
    npm install --prefix "$root/.tools" --no-audit --no-fund --silent --save-exact "azurite@$azurite_version" >&2
  fi
  export KVREP_AZURITE="$root/.tools/node_modules/.bin/azurite-blob"
}

# Makes sure a Prometheus server is on PATH for the scrape test (tests/KvReplicator.IntegrationTests/Serve/
# PrometheusScrapeTests.cs): Debian's `prometheus` package, installed with apt-get (as root, or with sudo where it
# needs no password) when missing. Without it the test skips on a developer's machine and fails on CI (CI=true).
# A KVREP_PROMETHEUS set by the caller is used as it is.
ensure_prometheus() {
  [ -n "${KVREP_PROMETHEUS:-}" ] && return 0
  command -v prometheus >/dev/null 2>&1 && return 0
  local as_root=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      as_root="sudo -n"
    else
      echo "prometheus not found and apt-get needs root: the Prometheus scrape test will be skipped (apt-get install prometheus)" >&2
      return 0
    fi
  fi
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "prometheus not found and there is no apt-get: the Prometheus scrape test will be skipped (install prometheus)" >&2
    return 0
  fi
  echo "prometheus not found; installing Debian's package with apt-get" >&2
  # --no-install-recommends: the server alone, not the node exporter. Its service is never started here (the
  # package may try and be refused without systemd); the test starts its own on a free port.
  $as_root apt-get update -qq >&2 \
    && DEBIAN_FRONTEND=noninteractive $as_root apt-get install -y -qq --no-install-recommends prometheus >&2 \
    || echo "installing prometheus failed: the Prometheus scrape test will be skipped, or fail on CI" >&2
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
