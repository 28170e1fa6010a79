#!/usr/bin/env bash
# Installs what is needed and runs the whole test suite (Qt offscreen). Each step says what it is doing.
set -euo pipefail
cd "$(dirname "$0")"
scripts/bootstrap.sh --dev
export QT_QPA_PLATFORM=offscreen
echo "Đang chạy kiểm thử (toàn bộ mất vài phút)…" >&2
exec .venv/bin/python -m pytest "$@"
