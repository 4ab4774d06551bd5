#!/usr/bin/env bash
# The `ocr` backend: libtesseract (called through P/Invoke) with English language data, and the DejaVu font its
# tests render text with. Idempotent: apt runs only when a package is missing.
set -euo pipefail
source "$(dirname "$0")/../lib/apt.sh"

apt_install_missing tesseract-ocr tesseract-ocr-eng libtesseract5 fonts-dejavu-core
tesseract --version 2>&1 | head -1
