#!/usr/bin/env bash
# The README's set-up: system libraries the engine uses when present (OpenBLAS for GEMM, LAPACKE for the
# Laplacian eigenvectors), the Fashion-MNIST data, and clang + zlib1g-dev for publishing the NativeAOT library
# (scripts/publish-native.sh). Guarded, so a second run is quick; the engine also runs without them (managed paths).
set -euo pipefail
packages=(liblapacke libopenblas0-pthread dataset-fashion-mnist clang zlib1g-dev)
missing=()
for p in "${packages[@]}"; do
  dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "setup: system packages present (${packages[*]})"
fi
