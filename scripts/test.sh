#!/usr/bin/env bash
# The tests: set up, lint, then pytest. Extra arguments go to pytest (-m "not slow" for a quick run).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
.venv/bin/ruff check .
.venv/bin/ruff format --check . >/dev/null || { .venv/bin/ruff format --diff . | head -40; exit 1; }
.venv/bin/mypy --no-error-summary
exec .venv/bin/python -m pytest "$@"
