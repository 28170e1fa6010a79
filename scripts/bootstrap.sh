#!/usr/bin/env bash
# Installs what the app (or, with --dev, the test suite) needs on a fresh Linux machine with Python 3.12:
# system libraries through apt when running as root, then a virtual environment in .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"

apt_packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3 libglib2.0-0
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0 libxcb-randr0
  libxcb-xinerama0 libxcb-xkb1)
if [ "$mode" = "--dev" ]; then
  apt_packages+=(poppler-utils libreoffice-calc-nogui xvfb)
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${apt_packages[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "Cài gói hệ thống: ${missing[*]}"
    apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
  fi
fi

# Python 3.12 (vietnam-provinces 2026 needs it): $PYTHON, python3.12 on PATH, a pyenv 3.12, then python3.
is_312() { "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 12))' >/dev/null 2>&1; }
python_bin=""
candidates=("${PYTHON:-}" python3.12)
pyenv_roots=("${PYENV_ROOT:-}" "$HOME/.pyenv")
command -v pyenv >/dev/null 2>&1 && pyenv_roots+=("$(pyenv root)")
for root in "${pyenv_roots[@]}"; do
  [ -n "$root" ] || continue
  for dir in "$root"/versions/3.12*; do candidates+=("$dir/bin/python3.12"); done
done
candidates+=(python3)
for candidate in "${candidates[@]}"; do
  if [ -n "$candidate" ] && is_312 "$candidate"; then python_bin="$candidate"; break; fi
done
if [ -z "$python_bin" ]; then
  echo "Không tìm thấy Python 3.12. Cài Python 3.12 (gói python3.12 và python3.12-venv, hoặc pyenv install 3.12)" \
    "rồi chạy lại, hoặc chỉ đường dẫn: PYTHON=/đường/dẫn/python3.12 scripts/bootstrap.sh" >&2
  exit 1
fi
if [ -e .venv ] && ! is_312 .venv/bin/python; then
  echo ".venv hiện có không dùng Python 3.12: xoá thư mục .venv rồi chạy lại scripts/bootstrap.sh." >&2
  exit 1
fi
if [ ! -x .venv/bin/python ]; then
  "$python_bin" -m venv .venv
fi
.venv/bin/python -m pip install -q --upgrade pip >/dev/null
if [ "$mode" = "--dev" ]; then
  .venv/bin/python -m pip install -q -r requirements-dev.txt
else
  .venv/bin/python -m pip install -q -r requirements.txt
fi
