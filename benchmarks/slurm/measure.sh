#!/usr/bin/env bash
# An 8-run zoo as a 2-task Slurm array against one process on the same machine, and Slurm's cost per task
# (benchmarks/README.md, "Beyond one machine"). Needs a Slurm controller (bash scripts/slurm-local.sh start).
#   bash benchmarks/slurm/measure.sh [WORK_DIR] [TASK] [EPOCHS]      (default: a temp folder, california-housing, 10)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=${1:-$(mktemp -d)}
task=${2:-california-housing}
epochs=${3:-10}
data=${STRUCTUREREPS_DATA:-$root/../shared/datasets}
sinfo -h >/dev/null || { echo "measure: no Slurm controller answers (bash scripts/slurm-local.sh start)"; exit 1; }
dotnet build -c Release "$root/src/Cli" -o "$work/cli" -nologo -v quiet >/dev/null
sr="dotnet $work/cli/structurereps.dll"
now() { date +%s.%N; }

echo "## $(date -u +%Y-%m-%d): $task, 8 runs × $epochs epochs, $(nproc) cores ($(sinfo -h -o '%c CPUs on %D node(s)'))"
start=$(now)
$sr zoo train --task "$task" --runs 8 --epochs "$epochs" --out "$work/one" --data "$data" >/dev/null
one=$(echo "$(now) - $start" | bc)
printf "one process:          %6.1f s\n" "$one"

mkdir -p "$work/logs"
start=$(now)
id=$(sbatch --parsable --array=0-1 --cpus-per-task=1 --output="$work/logs/%A_%a.out" \
  --wrap "$sr zoo train --task $task --runs 8 --epochs $epochs --out $work/array --data $data --shard \$SLURM_ARRAY_TASK_ID/2" | cut -d';' -f1)
while [ -n "$(squeue -h -j "$id" 2>/dev/null)" ]; do sleep 0.2; done
array=$(echo "$(now) - $start" | bc)
printf "2-task array:         %6.1f s (submit to the last task's end, polled every 0.2 s)\n" "$array"
# Each task's queue wait (submit → start) and run time, from the controller (second resolution).
for t in 0 1; do
  scontrol show job "${id}_$t" | tr ' ' '\n' | grep -E '^(JobState|SubmitTime|StartTime|EndTime)=' | tr '\n' ' '; echo
done
diff <(cd "$work/one" && find . -name 'metrics.csv' | sort | xargs cat) <(cd "$work/array" && find . -name 'metrics.csv' | sort | xargs cat) \
  && echo "metrics.csv of all 8 runs: identical" || echo "metrics.csv differ"

# Slurm's own cost per task: an array of 8 jobs that do nothing, submit to the end of the last one.
start=$(now)
id=$(sbatch --parsable --array=0-7 --cpus-per-task=1 --output=/dev/null --wrap true | cut -d';' -f1)
while [ -n "$(squeue -h -j "$id" 2>/dev/null)" ]; do sleep 0.1; done
empty=$(echo "$(now) - $start" | bc)
printf "8 empty array tasks:  %6.2f s (%.2f s per task)\n" "$empty" "$(echo "$empty / 8" | bc -l)"
