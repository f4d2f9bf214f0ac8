#!/bin/bash
# Submits the four stages of a StructureReps run on Slurm, each after the one before succeeded (afterok), and
# prints the job ids. Rerunning it after a failure resubmits everything: finished work is reused, not redone.
# Written by `structurereps slurm` (which also submits it with --submit).
set -euo pipefail
cd "$(dirname "$0")"
zoo=$(sbatch --parsable zoo.sbatch | cut -d";" -f1)  # "id;cluster" on a multi-cluster setup
graphs=$(sbatch --parsable --dependency=afterok:"$zoo" graphs.sbatch | cut -d";" -f1)
encoders=$(sbatch --parsable --dependency=afterok:"$graphs" encoders.sbatch | cut -d";" -f1)
report=$(sbatch --parsable --dependency=afterok:"$encoders" report.sbatch | cut -d";" -f1)
echo "zoo $zoo"
echo "graphs $graphs"
echo "encoders $encoders"
echo "report $report"
