#!/usr/bin/env bash
# A Slurm job array that spreads one divopt sweep over N tasks, then merges.
#
#   sbatch --array=1-8 scripts/slurm-sweep.sh          # the shards
#   sbatch --dependency=afterok:<array job id> --wrap \
#       "divopt merge out/shard-*.csv -o out/frontier.csv --plot out/frontier.svg"
#
# Each task solves every 8th point (--shard I/N); a task that is preempted
# and requeued resumes from its journal (refused, exit 2, if the input files
# changed in between). Timing columns aside, the merged file is the one a
# single `divopt sweep` would write; merge refuses (exit 2) while a task's
# file is missing or was computed from other inputs, naming the shard.
#SBATCH --job-name=divopt-sweep
#SBATCH --cpus-per-task=2
#SBATCH --time=02:00:00
#SBATCH --requeue
set -euo pipefail

N=${SLURM_ARRAY_TASK_COUNT:?run as a job array, e.g. sbatch --array=1-8}
I=${SLURM_ARRAY_TASK_ID:?run as a job array}
mkdir -p out
divopt sweep data/semis.csv \
    --scenarios models/scenarios/semis.csv \
    --floors 0:1:0.01 --measure worst --measure expected \
    --jobs "${SLURM_CPUS_PER_TASK:-1}" \
    --shard "$I/$N" --resume \
    --out "out/shard-$I.csv"
