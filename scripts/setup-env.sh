#!/usr/bin/env bash
# Shared by ./run and ./test: install what is missing, then leave an up-to-date .venv.
# Sourced, not executed. Idempotent and quiet when everything is already there.
#
# Each entry point names its profile (`ensure_system run`, `ensure_system test`); the Debian
# packages of each profile are listed here and nowhere else, so tests/installer/test_setup.py
# reads the same lists the scripts install.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

# Qt needs these to run, offscreen included.
QT_LIBS=(libegl1 libgl1 libx11-6 libdbus-1-3 libfontconfig1 libfreetype6 libglib2.0-0
         libxkbcommon0)
# pycairo (charts rasterised for DOCX reports) builds from source on Linux.
RUN_DEBS=("${QT_LIBS[@]}" libcairo2-dev pkg-config)
# The tests also re-read reports (pdftotext, pdftoppm), open the DOCX reports in a second
# client (LibreOffice) and build the Windows installer (makensis).
TEST_DEBS=("${RUN_DEBS[@]}" poppler-utils libreoffice-writer-nogui nsis)

# What each profile checks after set-up: "command to run|Debian package that provides it".
RUN_TOOLS=("pkg-config --exists cairo|libcairo2-dev" "pkg-config --version|pkg-config")
TEST_TOOLS=("${RUN_TOOLS[@]}" "pdftotext -v|poppler-utils" "pdftoppm -v|poppler-utils"
            "soffice --version|libreoffice-writer-nogui" "makensis -VERSION|nsis")

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

# Stop with one French sentence naming the first missing package, instead of a compiler error
# sixty lines deep later on.
require_tools() {
  local entry command package
  for entry in "$@"; do
    command="${entry%|*}"
    package="${entry##*|}"
    if ! $command >/dev/null 2>&1; then
      echo "Il manque le paquet Debian « $package » (« $command » a échoué) : installez-le" \
        "avec « sudo apt-get install $package », puis relancez la commande." >&2
      exit 1
    fi
  done
}

ensure_system() {
  local profile="$1" debs tools
  case "$profile" in
    run) debs=("${RUN_DEBS[@]}"); tools=("${RUN_TOOLS[@]}") ;;
    test) debs=("${TEST_DEBS[@]}"); tools=("${TEST_TOOLS[@]}") ;;
    *) echo "ensure_system: unknown profile '$profile'" >&2; return 2 ;;
  esac
  if command -v dpkg-query >/dev/null 2>&1; then
    apt_install_missing "${debs[@]}"
    if ! "$PY" -c 'import venv, ensurepip' >/dev/null 2>&1; then
      apt_install_missing python3-venv python3-pip
    fi
    require_tools "${tools[@]}"
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
    # pip and the build print notices nobody has to act on: kept in a log, shown on failure.
    local log="$VENV/pip-install.log"
    echo "Installation des modules Python dans .venv…"
    "$VENV/bin/python" -m pip install -q --upgrade pip >/dev/null 2>&1 || true
    if ! "$VENV/bin/python" -m pip install -q -e "$ROOT[$extras]" >"$log" 2>&1; then
      cat "$log" >&2
      echo "L'installation des modules Python a échoué (journal : $log)." >&2
      exit 1
    fi
    touch "$stamp"
  fi
}
