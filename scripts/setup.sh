#!/usr/bin/env bash
# Sets up everything synthgen needs on a fresh machine: a virtual environment with the package and its
# test tools, and a Chromium (Playwright's own build where downloads work, else the system's package).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
# ray: the distributed engine's test runs on a local Ray instance in `make test` (adds ~50 s to a cold
# install: ray ~30 s, its [default] extras ~20 s, measured from PyPI).
EXTRAS=${SYNTHGEN_EXTRAS:-test,ray}  # only without the lock (or when set): the lock already holds test and ray

if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip
if [ -z "${SYNTHGEN_EXTRAS:-}" ] && [ -f requirements.lock ]; then
  # The application installs from the lock: every package at the version and hash recorded there (tests and
  # the Ray engine included), so two machines run the same code. `make lock` refreshes it from pyproject.toml.
  .venv/bin/python -m pip install -q --require-hashes -r requirements.lock
  .venv/bin/python -m pip install -q --no-deps -e .
else
  .venv/bin/python -m pip install -q -e ".[${EXTRAS}]"  # loose ranges (SYNTHGEN_EXTRAS set, or no lock)
fi

# A Chromium: keep one that synthgen can already find, else try Playwright's download (the browser and its
# headless shell), else the OS packages. The headless shell (preferred for headless runs) needs ~25% less CPU per
# session than the full browser (synthgen/browser/discovery.py), so it is added where it is missing.
found() { .venv/bin/python -c "from synthgen.browser.discovery import find_chromium; find_chromium()" 2>/dev/null; }
has_shell() {
  .venv/bin/python -c "from synthgen.browser.discovery import find_chromium, is_headless_shell as s; \
import sys; sys.exit(0 if s(find_chromium()) else 1)" 2>/dev/null
}
SUDO=""
[ "$(id -u)" -ne 0 ] && SUDO="sudo"
if found; then
  if ! has_shell && command -v apt-get >/dev/null 2>&1 && [ -n "$(command -v chromium || true)" ]; then
    # Best effort: a machine with Debian's chromium gets the matching shell; without it, the full browser runs.
    { $SUDO apt-get update -qq && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
        chromium-headless-shell >/dev/null; } || echo "synthgen setup: no chromium-headless-shell; using the full browser" >&2
  fi
elif .venv/bin/python -m playwright install chromium >/dev/null 2>&1 && found; then
  :
elif command -v apt-get >/dev/null 2>&1; then
  $SUDO apt-get update -qq
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-headless-shell >/dev/null || \
    echo "synthgen setup: no chromium-headless-shell; using the full browser" >&2
else
  echo "synthgen setup: no Chromium found and none could be installed; install Chromium or Chrome and set" \
       "SYNTHGEN_CHROMIUM=/path/to/chrome" >&2
  exit 1
fi
.venv/bin/python -c "from synthgen.browser.discovery import find_chromium; print('chromium:', find_chromium())"

# The real apps of the scenario packs (synthgen apps start NAME; pytest -m realapps), in their own venv. Skipped
# when the pinned versions are already there, so a re-run costs a second; SYNTHGEN_NO_REAL_APPS=1 skips them.
if [ -z "${SYNTHGEN_NO_REAL_APPS:-}" ]; then
  [ -x .venv-apps/bin/python ] || "$PY" -m venv .venv-apps
  if grep -v '^#' requirements-apps.txt | grep -qvxF -f <(.venv-apps/bin/python -m pip freeze 2>/dev/null); then
    .venv-apps/bin/python -m pip install -q -r requirements-apps.txt
  fi
fi
