#!/usr/bin/env bash
# Sets up and serves the demo municipality on http://127.0.0.1:8000 (SQLite in var/).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/dispo demo "$@"
