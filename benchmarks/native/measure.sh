#!/usr/bin/env bash
# The embeddable engine measured beside the same work through the managed CLI (benchmarks/README.md, "Embeddable
# engine"): library size, process start to the first two-moons embedding, per-network embedding latency (two-moons,
# California housing, Fashion-MNIST CNN graphs), peak RSS, and whether anything JIT-compiles.
#   bash benchmarks/native/measure.sh [WORK_DIR]
# Needs the published library (bash scripts/publish-native.sh) and ../shared/datasets; builds the CLI (Release) and
# small zoos and encoders under WORK_DIR (default ~/.cache/structurereps-native-bench), reused on a rerun.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$HOME/.cache/structurereps-native-bench}
data=${STRUCTUREREPS_DATA:-$root/../shared/datasets}
level=$(grep -qw avx512bw /proc/cpuinfo && echo x86-64-v4 || echo x86-64-v3)
lib=$root/artifacts/native/$level/libstructurereps.so
[ -f "$lib" ] || { echo "measure: $lib is missing (bash scripts/publish-native.sh)"; exit 1; }
for p in hyperfine time; do dpkg -s "$p" >/dev/null 2>&1 || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$p" >/dev/null; done
mkdir -p "$work"
make -s -C "$root/samples/c" LEVEL="$level"
embed=$root/samples/c/embed
dotnet build -c Release "$root/src/Cli" -o "$work/cli" -nologo -v quiet >/dev/null
cli=(dotnet "$work/cli/structurereps.dll")

# Small zoos: embedding cost depends on the graph (the network's shape), not on how well the networks trained.
prepare() { # name task [zoo train options]
  local name=$1 task=$2; shift 2
  [ -f "$work/$name/enc/encoder.safetensors" ] && return
  # 2 runs × 5 epochs: the fewest checkpoints a probe is fitted on.
  "${cli[@]}" zoo train --task "$task" --runs 2 --epochs 5 --out "$work/$name/zoo" --data "$data" "$@" >/dev/null
  "${cli[@]}" graphs build --zoo "$work/$name/zoo" --out "$work/$name/graphs" >/dev/null
  "${cli[@]}" encode train --graphs "$work/$name/graphs" --out "$work/$name/enc" --epochs 1 >/dev/null
  "${cli[@]}" decode --embeddings "$work/$name/enc/embeddings.csv" --encoder "$work/$name/enc/encoder.safetensors" \
    --save-probe "$work/$name/probe.json" >/dev/null
}
prepare moons two-moons
prepare california california-housing
prepare fashion fashion-mnist --max-train 2000 --max-test 500
last() { ls "$work/$1/zoo/run-0000"/epoch-*.safetensors | tail -1; }

echo "## $(date -u +%Y-%m-%d), $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), library $level"
echo "library: $(stat -c %s "$lib" | awk '{printf "%.1f MB", $1/1e6}'); links: $(ldd "$lib" | awk '{print $1}' | tr '\n' ' ')"
echo "JIT in the library: $(ldd "$lib" | grep -c -E 'clrjit|coreclr' || true) runtime or JIT libraries linked; $(strings "$lib" | grep -c -E '^libclrjit' || true) references to libclrjit"
echo "engine: $("$embed" --info)"
echo
echo "### process start to the first two-moons embedding and prediction (hyperfine, mean ± σ)"
m=$work/moons
hyperfine -N --warmup 3 --runs 20 --export-markdown "$work/start.md" \
  -n "C host + libstructurereps.so" "$embed --probe $m/probe.json $m/enc/encoder.safetensors $(last moons)" \
  -n "dotnet CLI: predict --embedding" "${cli[*]} predict --encoder $m/enc/encoder.safetensors --probe $m/probe.json --embedding $(last moons)" >/dev/null
cat "$work/start.md"
echo
echo "### per network, steady state (ms per embedding and prediction) and peak RSS of one whole process (MB)"
echo "| zoo | network | native ms | managed ms | native peak RSS | managed peak RSS |"
echo "|---|---|---:|---:|---:|---:|"
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null; echo "$(date +%s.%N) - $s" | bc; }
for name in moons california fashion; do
  enc=$work/$name/enc/encoder.safetensors probe=$work/$name/probe.json ck=$(last $name)
  native_ms=$("$embed" --repeat 50 --probe "$probe" "$enc" "$ck" 2>&1 >/dev/null | sed -E 's/.*: ([0-9.]+) ms.*/\1/')
  native_rss=$(/usr/bin/time -f %M "$embed" --probe "$probe" "$enc" "$ck" 2>&1 >/dev/null | tail -1)
  # The managed CLI in steady state: the same checkpoint 51 times against once, per extra network.
  many=(); for _ in $(seq 51); do many+=("$ck"); done
  t51=$(seconds "${cli[@]}" predict --encoder "$enc" --probe "$probe" "${many[@]}")
  t1=$(seconds "${cli[@]}" predict --encoder "$enc" --probe "$probe" "$ck")
  managed_ms=$(echo "scale=2; ($t51 - $t1) * 1000 / 50" | bc)
  managed_rss=$(/usr/bin/time -f %M "${cli[@]}" predict --encoder "$enc" --probe "$probe" "$ck" 2>&1 >/dev/null | tail -1)
  network=$("${cli[@]}" predict --encoder "$enc" --probe "$probe" "$ck" | grep -oE '(MLP|CNN)[^ ]*( [^ ]+)?' | head -1)
  echo "| $name | $network | $native_ms | $managed_ms | $((native_rss / 1024)) | $((managed_rss / 1024)) |"
done
