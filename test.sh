#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite (Qt offscreen).
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh --dev
export QT_QPA_PLATFORM=offscreen
exec .venv/bin/python -m pytest "$@"
