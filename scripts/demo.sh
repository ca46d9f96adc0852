#!/usr/bin/env bash
# Set up, ingest the seed articles with the default offline model, and answer a question.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
corpus="${1:-../shared/corpus/seeds}"
question="${2:-Ai là Bí thư Huyện ủy Đức Hòa?}"
.venv/bin/vnqa ingest "$corpus"
.venv/bin/vnqa ask "$question"
