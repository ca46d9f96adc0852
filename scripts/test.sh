#!/usr/bin/env bash
# Set up (as scripts/setup.sh, with the dev extras) and run the linters and the test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh "[dev,local-llm]"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m pytest -q "$@"
