#!/usr/bin/env bash
# The whole check: lint, format, types, then the tests on SQLite and on PostgreSQL, with coverage.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --browser
export PATH="$PWD/.venv/bin:$PATH"

ruff check src tests bench
ruff format --check src tests bench
mypy src

pytest -n 2 --cov --cov-report=term:skip-covered --cov-report=xml "$@"
DISPO_DATABASE_URL=${DISPO_TEST_POSTGRES_URL:-postgresql://postgres@127.0.0.1:5432/dispo} \
  pytest -n 2 -m "postgres" --no-cov "$@"
