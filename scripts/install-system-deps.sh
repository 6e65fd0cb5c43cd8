#!/usr/bin/env bash
# Install the Debian packages resultcheck needs, only those missing (run as root, or with sudo).
# Usage: install-system-deps.sh [--test]
set -euo pipefail
packages=(
  libmagic1                 # libmagic: first guess of the file type
  tesseract-ocr             # OCR engine (5.x)
  tesseract-ocr-vie         # Vietnamese model
  tesseract-ocr-osd         # page orientation detection
  catdoc                    # text of legacy Word .doc and RTF files
  fonts-liberation2         # fixture generator: Times-metric serif with Vietnamese (1.x lacks it)
  fonts-freefont-ttf        # fixture generator: more glyph shapes
  fonts-dejavu-core
  redis-server              # broker for the distributed scan and its tests
)
# `--test` adds what only the test suite needs: a real headless browser to open the HTML report.
if [ "${1:-}" = "--test" ]; then packages+=(chromium); fi
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ! python3 -c "import ensurepip, venv" 2>/dev/null; then missing+=(python3-venv); fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "system packages: all present"; exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "system packages: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
