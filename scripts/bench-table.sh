#!/usr/bin/env bash
# Prints the scale benchmark as one markdown table: each size in its own
# process (so peak memory is that size's), floors 0.9 and 0.95 (`worst`) and
# 0.3 (`each`), the lean, plain and raw models, the lean one per product in
# HiGHS (Blocks), the exact search per product (Search) and column generation
# (Columns) (SCALE_MODELS=Lean,Plain,Raw,Blocks,Search,Columns and
# SCALE_MEASURES=worst,each pick). Usage:
# scripts/bench-table.sh [SIZES...] (default: S M L XL).
# SCALE_TIME_LIMIT (seconds per solve, default 120) bounds the large sizes.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(S M L XL)
cargo bench --bench scale --no-run >/dev/null 2>&1
echo "| size | floor | model | columns×rows | status | parse s | build s | solve s | evaluate s | total s | gap | cost | peak MiB |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
for size in "${sizes[@]}"; do
    cargo bench --bench scale -- "$size" 2>/dev/null | grep '^| '"$size"' '
done
