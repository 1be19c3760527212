#!/usr/bin/env bash
# Shared by ./run and ./test: install what is missing, then leave an up-to-date .venv.
# Sourced, not executed. Idempotent and quiet when everything is already there.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

# Debian packages Qt needs to run offscreen, plus tools the checks use.
QT_LIBS=(libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0
         libxkbcommon0)
EXTRA_DEBS=(${EXTRA_DEBS:-})

apt_install_missing() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
      || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -ne 0 ]; then
    echo "Paquets Debian manquants (à installer en root) : ${missing[*]}" >&2
    return 0
  fi
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

ensure_system() {
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install_missing "${QT_LIBS[@]}" "${EXTRA_DEBS[@]}"
    if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      apt_install_missing python3-venv python3-pip
    fi
  fi
  if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
    echo "Python 3.11 ou plus récent est nécessaire ($PY est trop ancien)." >&2
    exit 1
  fi
}

ensure_venv() {
  local extras="$1"
  local stamp="$VENV/.installed-$extras"
  if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
  fi
  if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]"
    touch "$stamp"
  fi
}
