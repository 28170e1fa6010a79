#!/usr/bin/env bash
# Installs what is needed and starts Sổ Định Danh on the demo database (built behind a start-up window on
# the first start). Each step says what it is doing (scripts/bootstrap.sh).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
echo "Đang mở Sổ Định Danh (chế độ trình diễn)…" >&2
exec .venv/bin/python main.py --demo "$@"
