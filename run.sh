#!/usr/bin/env bash
# Installs what is needed and starts Sổ Định Danh on the demo database (built on first start).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh
exec .venv/bin/python main.py --demo "$@"
