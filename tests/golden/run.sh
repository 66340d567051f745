#!/usr/bin/env bash
# Golden files for whole runs: each case's outputs compared byte for byte with
# tests/golden/CASE/, so that any change of output shows up as a diff in review.
#   tests/golden/run.sh BUILD/impact            compare (exit 1 on any difference)
#   tests/golden/run.sh BUILD/impact --update   rewrite the goldens (then read `git diff`)
# Each case is a config; the files kept are the JSON figures, the quality outputs, one
# chart's SVG and the run summary printed on stderr (the output folder written as OUT/).
set -u
bin=${1:?usage: tests/golden/run.sh path/to/impact [--update]}
update=${2:-}
here=tests/golden
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

# case name, config, then the files to keep (relative to the output folder)
cases=(
    "samples config/default.json charts/qpv_share.svg"
    "handworked tests/fixtures/handworked/config.json"
    "statistics tests/fixtures/statistics/config.json"
    "bad_rows tests/fixtures/dialects/bad_rows/config.json"
)
common="indicators.json public/indicators.json quality/report.json quality/rejects.csv quality/probable_duplicates.csv quality/duplicates.csv"

for c in "${cases[@]}"; do
    read -r name config extra <<<"$c"
    out=$work/$name
    "$bin" run --config "$config" --output "$out" 2>"$work/$name.stderr"
    status=$?
    sed "s#$out#OUT#g" "$work/$name.stderr" >"$out.summary.txt" 2>/dev/null ||
        cp "$work/$name.stderr" "$out.summary.txt"
    echo "exit $status" >>"$out.summary.txt"
    for f in $common $extra summary.txt; do
        src=$out/$f
        [ "$f" = summary.txt ] && src=$out.summary.txt
        want=$here/$name/$f
        if [ "$update" = --update ]; then
            mkdir -p "$(dirname "$want")"
            if [ -e "$src" ]; then cp "$src" "$want"; else rm -f "$want"; fi
        elif [ ! -e "$src" ] && [ ! -e "$want" ]; then
            continue
        elif ! cmp -s "$want" "$src"; then
            echo "FAIL golden $name/$f differs (make golden-update rewrites it; read the diff)"
            diff -u "$want" "$src" 2>&1 | head -n 40
            failures=$((failures + 1))
        fi
    done
done
if [ "$update" = --update ]; then
    echo "goldens rewritten in $here/: read 'git diff $here' before committing"
    exit 0
fi
[ "$failures" = 0 ] && echo "golden: all ${#cases[@]} cases identical" || echo "golden: $failures files differ"
exit $((failures > 0))
