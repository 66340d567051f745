#!/bin/sh
# bench.sh — the timings of `make bench`: impact against the raw libcsv floor and wc -l on
# the generated exports, then the correctness check of the run's figures.
# Usage: tests/bench/bench.sh BUILD_DIR DATA_DIR   (DATA_DIR written by bench_generate)
set -eu
build=${1:?usage: bench.sh BUILD_DIR DATA_DIR}
data=${2:?usage: bench.sh BUILD_DIR DATA_DIR}
tools=$build/bench
att=$data/attendance.csv
out=$data/outcomes.csv
record=$data/timings.tsv
field() { awk -v k="$1" '$1 == k { print $2 }' "$data/expected.txt"; }
att_rows=$(field attendance_rows)
all_rows=$((att_rows + $(field outcome_rows)))
att_bytes=$(wc -c <"$att")
all_bytes=$((att_bytes + $(wc -c <"$out")))
: >"$record"

echo "== $att_rows attendance rows ($att_bytes bytes) + outcomes, $(nproc) cores"
# Read both files once first, so that every timed run reads from the page cache alike.
cat "$att" "$out" >/dev/null
"$tools/measure" "wc -l" "$att_rows" "$att_bytes" "$record" -- wc -l "$att"
"$tools/measure" "libcsv floor" "$att_rows" "$att_bytes" "$record" -- "$tools/csv_count" "$att"
"$tools/measure" "impact run" "$all_rows" "$all_bytes" "$record" -- \
    "$build/impact" run --config "$data/config.json" --quiet
awk -F '\t' '{ wall[$1] = $2; rss[$1] = $4 } END {
    printf "impact / libcsv floor: %.2f x wall; impact peak RSS %.0f MiB ", \
           wall["impact run"] / wall["libcsv floor"], rss["impact run"] / 1024
    print "(targets at 10 M rows: at most 2 x, under 512 MiB)" }' "$record"
"$tools/check" "$data/expected.txt" "$data/out/indicators.json"
