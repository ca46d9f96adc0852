#!/usr/bin/env bash
# Set up, ingest the seed articles with the default offline model, and show what was stored.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
corpus="${1:-../shared/corpus/seeds}"
.venv/bin/vnqa ingest "$corpus"
.venv/bin/vnqa stats
