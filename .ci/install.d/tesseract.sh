#!/usr/bin/env bash
# The `ocr` backend: libtesseract (called through P/Invoke) with English language data, and the DejaVu font its
# tests render text with. Idempotent: apt runs only when a package is missing.
set -euo pipefail

packages=(tesseract-ocr tesseract-ocr-eng libtesseract5 fonts-dejavu-core)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" 2>/dev/null | grep -q '^Status: install ok installed' || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "tesseract: ${packages[*]} already installed"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
echo "tesseract: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
tesseract --version 2>&1 | head -1
