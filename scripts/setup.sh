#!/usr/bin/env bash
# Create .venv and install vnqa. torch 2.13.0 goes first: the local CPU wheel, not GBs of CUDA.
set -euo pipefail
cd "$(dirname "$0")/.."
extras="${1:-}"
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q torch==2.13.0
.venv/bin/python -m pip install -q -e ".${extras}"
