#!/usr/bin/env bash
# Fuzzes divopt's input readers: runs every cargo-fuzz target in fuzz/
# (options, scenarios, plan) for SECONDS each (default 60), one after another.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`). libFuzzer needs
# nightly compiler flags; on a stable toolchain they are unlocked with
# RUSTC_BOOTSTRAP=1 (set here). FUZZ_TOOLCHAIN=nightly uses a nightly
# toolchain instead. The corpus of each target (fuzz/corpus/TARGET, not in
# git) is seeded from data/*.csv, models/scenarios/*.csv and
# fuzz/seeds/TARGET. Crashes land in fuzz/artifacts/TARGET; each run's log
# in fuzz/artifacts/TARGET.log. Exits non-zero if any target crashed; turn
# every crash into a regression test (tests/it/bad_input.rs).
set -uo pipefail

seconds=${1:-60}
shift || true
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    echo "cargo-fuzz is missing: cargo install cargo-fuzz --locked" >&2
    exit 2
fi
toolchain=()
if [[ -n "${FUZZ_TOOLCHAIN:-}" ]]; then
    toolchain=("+${FUZZ_TOOLCHAIN}")
else
    export RUSTC_BOOTSTRAP=1
fi

targets=("$@")
if [[ ${#targets[@]} -eq 0 ]]; then
    mapfile -t targets < <(cargo "${toolchain[@]}" fuzz list)
fi

cargo "${toolchain[@]}" fuzz build || exit 1

failed=()
for target in "${targets[@]}"; do
    corpus=fuzz/corpus/$target
    mkdir -p "$corpus" "fuzz/artifacts/$target"
    case $target in
        options) seeds=(data/*.csv) ;;
        scenarios) seeds=(models/scenarios/*.csv) ;;
        *) seeds=() ;;
    esac
    for seed in "${seeds[@]}" fuzz/seeds/"$target"/*; do
        [[ -f $seed ]] && cp -n "$seed" "$corpus/seed-$(basename "$seed")"
    done
    dict=()
    [[ -f fuzz/dict/$target.dict ]] && dict=("-dict=fuzz/dict/$target.dict")
    log=fuzz/artifacts/$target.log
    echo "== $target: ${seconds}s (log: $log)"
    # -timeout: one input may take 10 s at most (a hang is a bug);
    # -rss_limit_mb: memory is bounded; -max_len: inputs up to 64 KiB.
    cargo "${toolchain[@]}" fuzz run "$target" "$corpus" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -print_final_stats=1 "${dict[@]}" >"$log" 2>&1
    status=$?
    grep -aE "DONE|stat::number_of_executed_units|stat::peak_rss_mb" "$log" || tail -5 "$log"
    if [[ $status -ne 0 ]]; then
        echo "   $target FAILED (exit $status): see $log and fuzz/artifacts/$target/"
        failed+=("$target")
    fi
done

if [[ ${#failed[@]} -gt 0 ]]; then
    echo "crashes in: ${failed[*]}"
    exit 1
fi
echo "no crashes"
