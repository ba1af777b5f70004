#!/usr/bin/env bash
# Install argmap with every optional extra into ./.venv, plus the system Graphviz it renders
# with, then render the demo corpora into outputs/. Usage: bash scripts/install.sh
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq graphviz
  elif command -v brew >/dev/null 2>&1; then
    brew install graphviz
  else
    echo "install Graphviz (the 'dot' program) with your package manager, then rerun" >&2
    exit 69
  fi
fi
PY=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PY" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -c constraints.txt -e '.[all]'
.venv/bin/argmap demo
