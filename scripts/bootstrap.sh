#!/usr/bin/env bash
# Installs what the app (or, with --dev, the test suite) needs on a fresh Linux machine with Python 3.12:
# system libraries through apt when running as root, then a virtual environment in .venv.
# One Vietnamese line per step on stderr (stdout stays free for what run.sh/test.sh start); pip's own
# output goes to .venv/pip.log (shown when it fails), with one line per library it fetches.
# BOOTSTRAP_DRY_RUN=1: say the steps and the commands without running any (tests/test_scripts.py).
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-}"
dry="${BOOTSTRAP_DRY_RUN:-}"

say() { echo "$*" >&2; }
run() {  # a command that changes something: only shown in a dry run
  if [ -n "$dry" ]; then say "  [thử] $*"; else "$@"; fi
}

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
    say "Đang cài gói hệ thống (lần đầu mất vài phút): ${missing[*]}…"
    run apt-get update -q >/dev/null
    DEBIAN_FRONTEND=noninteractive run apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
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
first=""
if [ ! -x .venv/bin/python ]; then
  say "Đang tạo môi trường Python 3.12 (.venv)…"
  run "$python_bin" -m venv .venv
  first=1
fi

# The libraries: skipped when the requirement files are the ones last installed (a stamp in .venv).
requirements=requirements.txt
[ "$mode" = "--dev" ] && requirements=requirements-dev.txt
stamp=".venv/.installed${mode:+-${mode#--}}"
wanted="$(cat requirements.txt requirements-dev.txt | cksum)"
for done_stamp in "$stamp" .venv/.installed-dev; do  # the test set includes the app's libraries
  if [ -f "$done_stamp" ] && [ "$(cat "$done_stamp")" = "$wanted" ]; then exit 0; fi
done
if [ -n "$first" ]; then
  say "Đang cài thư viện (lần đầu mất khoảng 1 phút)…"
else
  say "Đang kiểm tra thư viện theo $requirements (vài giây)…"
fi
pip_install() {  # one line per library fetched; pip's whole output in .venv/pip.log, its tail on failure
  if [ -n "$dry" ]; then say "  [thử] pip install $*"; return 0; fi
  if ! PYTHONUNBUFFERED=1 .venv/bin/python -m pip install --disable-pip-version-check --progress-bar off "$@" \
      2>&1 | tee -a .venv/pip.log | awk '
        /^Collecting / { n++; print "  · " $2; fflush() }
        /^ *Downloading .*\)$/ { print "    đang tải " $(NF-1) " " $NF; fflush() }
        /^Installing collected packages/ { print "  Đang cài đặt " n " gói đã tải…"; fflush() }' >&2; then
    say "Cài thư viện không thành công. Những dòng cuối của .venv/pip.log:"
    tail -n 15 .venv/pip.log >&2
    exit 1
  fi
}
[ -n "$dry" ] || : >.venv/pip.log
pip_install --upgrade pip
pip_install -r "$requirements"
[ -n "$dry" ] || echo "$wanted" >"$stamp"
say "Đã cài xong thư viện."
