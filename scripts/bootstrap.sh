#!/usr/bin/env bash
# Installs what nianbao needs, on a fresh Debian machine or an old checkout alike:
# Python 3.11+ with venv (from Debian if missing), then ./.venv with nianbao and its test tools.
# It re-installs only when pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
apt_install() {
  as_root apt-get update -qq >/dev/null
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

find_python() {
  for c in python3.13 python3.12 python3.11 python3; do
    if command -v "$c" >/dev/null 2>&1 &&
       "$c" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
      command -v "$c"; return 0
    fi
  done
  return 1
}

PY=$(find_python) || { apt_install python3 python3-venv; PY=$(find_python); }
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv 2>/dev/null || { rm -rf .venv; apt_install python3-venv; "$PY" -m venv .venv; }
fi

# Debian's Chromium for the browser tests and the crawler's script-built pages (Playwright's own
# browser download cannot work offline), and a CJK font so its pages and screenshots read.
if ! command -v chromium >/dev/null 2>&1 || [ ! -e /usr/share/fonts/truetype/wqy/wqy-zenhei.ttc ]; then
  echo "bootstrap: installing Debian's chromium and a CJK font" >&2
  apt_install chromium fonts-wqy-zenhei
fi

# LibreOffice, headless, to read the old binary formats (DOC, WPS, XLS) by converting them.
if ! command -v soffice >/dev/null 2>&1; then
  echo "bootstrap: installing Debian's LibreOffice (headless writer and calc)" >&2
  apt_install --no-install-recommends libreoffice-writer-nogui libreoffice-calc-nogui
fi

# Redis, for crawls shared by several processes (--redis) and their test.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "bootstrap: installing Debian's redis-server" >&2
  apt_install --no-install-recommends redis-server
fi

# OpenCV (OCR's image work) loads libGL and GLib at import; a minimal Debian lacks them.
if ! ldconfig -p | grep -q "libGL.so.1 " || ! ldconfig -p | grep -q "libglib-2.0.so.0 "; then
  echo "bootstrap: installing libgl1 and libglib2.0-0 for OpenCV" >&2
  apt_install libgl1 libglib2.0-0
fi

stamp=".venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)"
if [ ! -f "$stamp" ]; then
  echo "bootstrap: installing nianbao into .venv (first run takes a minute)" >&2
  log=.venv/install.log
  if ! { .venv/bin/python -m pip install -q --upgrade pip &&
         .venv/bin/python -m pip install -q -e '.[test]'; } >"$log" 2>&1; then
    grep -v "^WARNING: Location" "$log" >&2
    echo "bootstrap: the install failed (above; full log in $log)" >&2
    exit 1
  fi
  rm -f .venv/.installed-*
  touch "$stamp"
fi
