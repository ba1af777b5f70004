#!/usr/bin/env bash
# Install what the tests need (Graphviz, Chromium for the HTML report, the test extra) into
# ./.venv, lint (ruff), type-check (mypy) and run the whole suite. Usage: bash scripts/test.sh [pytest args]
set -euo pipefail
cd "$(dirname "$0")/.."
need=()
command -v dot >/dev/null 2>&1 || need+=(graphviz)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
if [ ${#need[@]} -gt 0 ]; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${need[@]}"
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e '.[test,all]'
.venv/bin/ruff check src tests benchmarks tools
.venv/bin/mypy                   # src/argmap, settings in pyproject.toml
.venv/bin/python -m pytest -q -n 2 "$@"
