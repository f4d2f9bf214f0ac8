#!/usr/bin/env bash
# Publishes the embeddable engine (src/StructureReps.Native) as a NativeAOT shared library, once per CPU level,
# into artifacts/native/<level>/libstructurereps.so: NativeAOT fixes the instruction set at publish time, and a
# library built without one runs the Vector paths as scalar code. Needs clang and zlib1g-dev (installed here when
# missing). Usage: bash scripts/publish-native.sh [level ...]   (default: x86-64-v3 x86-64-v4)
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for p in clang zlib1g-dev; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "publish-native: installing ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi
levels=("$@")
[ ${#levels[@]} -eq 0 ] && levels=(x86-64-v3 x86-64-v4)
for level in "${levels[@]}"; do
  staging=$(mktemp -d)
  # The native code of the level before is removed, so the compiler runs again for this level.
  rm -rf src/StructureReps.Native/obj/Release/net10.0/linux-x64/native
  dotnet publish src/StructureReps.Native -c Release -r linux-x64 -p:IlcInstructionSet="$level" -o "$staging" -nologo -v quiet
  mkdir -p "artifacts/native/$level"
  # Only the library: the publish folder also holds the plotting stack's native libraries (SkiaSharp), which the
  # engine never loads.
  cp "$staging/libstructurereps.so" "artifacts/native/$level/libstructurereps.so.tmp"
  mv "artifacts/native/$level/libstructurereps.so.tmp" "artifacts/native/$level/libstructurereps.so"
  rm -rf "$staging"
  echo "publish-native: artifacts/native/$level/libstructurereps.so ($(du -h "artifacts/native/$level/libstructurereps.so" | cut -f1))"
done
