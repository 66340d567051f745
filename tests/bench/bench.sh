#!/bin/sh
# bench.sh — the timings of `make bench`: impact against the raw libcsv floor and wc -l on
# the generated exports, then the correctness check of the run's figures.
# Usage: tests/bench/bench.sh BUILD_DIR DATA_DIR [REPEAT]   (DATA_DIR written by bench_generate)
# The floor and impact are run REPEAT times (default 3), one after the other, and compared
# by their medians: the host's speed drifts by 10 to 20 % from minute to minute, and
# alternating the two keeps the drift out of the ratio.
set -eu
build=${1:?usage: bench.sh BUILD_DIR DATA_DIR}
data=${2:?usage: bench.sh BUILD_DIR DATA_DIR}
repeat=${3:-3}
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
i=0
while [ "$i" -lt "$repeat" ]; do
    "$tools/measure" "libcsv floor" "$att_rows" "$att_bytes" "$record" -- "$tools/csv_count" "$att"
    "$tools/measure" "impact run" "$all_rows" "$all_bytes" "$record" -- \
        "$build/impact" run --config "$data/config.json" --quiet
    i=$((i + 1))
done
median_of_lines() { sort -n |
    awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
median() { awk -F '\t' -v k="$1" -v c="$2" '$1 == k { print $c }' "$record" | median_of_lines; }
floor=$(median "libcsv floor" 2)
wall=$(median "impact run" 2)
rss=$(median "impact run" 4)
# Each impact run against the floor run just before it, the drift of the host in between
# being smallest: the median of these ratios is printed too.
paired=$(awk -F '\t' '$1 == "libcsv floor" { f = $2 } $1 == "impact run" { print $2 / f }' \
    "$record" | median_of_lines)
awk -v f="$floor" -v w="$wall" -v r="$rss" -v n="$repeat" -v p="$paired" 'BEGIN {
    printf "medians of %d runs: libcsv floor %.2f s, impact %.2f s: %.2f x wall ", n, f, w, w / f
    printf "(median of the %d paired ratios %.2f x); impact peak RSS %.0f MiB ", n, p, r / 1024
    print "(targets at 10 M rows: at most 2 x, under 512 MiB)" }'
"$tools/check" "$data/expected.txt" "$data/out/indicators.json"
