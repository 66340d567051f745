#!/usr/bin/env bash
# End-to-end tests of build/impact: error messages (compared with golden stderr files),
# exit statuses, previous outputs left intact on failure, byte-identical reruns.
# Usage: tests/e2e/run.sh BUILD/impact   (run from the repository root)
set -u
bin=${1:?usage: tests/e2e/run.sh path/to/impact}
here=tests/e2e
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0

pass() { echo "ok   $1"; }
fail() { echo "FAIL $1"; failures=$((failures + 1)); }

# expect_error NAME EXIT ARGS...: exit status and stderr must match cases/NAME.stderr
expect_error() {
    local name=$1 want=$2
    shift 2
    "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
    local got=$?
    if [ "$got" != "$want" ]; then
        fail "$name: exit $got, expected $want"; cat "$work/$name.err"; return
    fi
    if ! diff -u "$here/cases/$name.stderr" "$work/$name.err"; then
        fail "$name: stderr differs from $here/cases/$name.stderr"; return
    fi
    pass "$name"
}

snapshot() { (cd "$1" && find . -type f ! -path './.impact-staging/*' -print0 | sort -z | xargs -0 sha256sum); }

# 1. The samples run, twice, give byte-identical outputs.
"$bin" run --config config/default.json --output "$work/a" --quiet || fail "samples run a"
"$bin" run --config config/default.json --output "$work/b" --quiet || fail "samples run b"
if diff <(snapshot "$work/a") <(snapshot "$work/b") >/dev/null; then
    pass "reproducible: two runs give byte-identical files"
else
    fail "reproducible: outputs differ between two runs"
fi
for f in indicators.json quality/report.json quality/rejects.csv charts/cumulative_target.png \
    charts/beneficiaries_by_role.svg charts/outcome_rates.png charts/qpv_share.svg; do
    [ -s "$work/a/$f" ] && pass "written: $f" || fail "missing output $f"
done

# 1a. Summary sheet and the new charts: a PDF, each chart at both sizes; every SVG is
# well-formed XML (checked with xmllint when it is installed; the unit tests parse them too).
head -c 5 "$work/a/summary.pdf" 2>/dev/null | grep -q '^%PDF-' &&
    pass "written: summary.pdf" || fail "summary.pdf missing or not a PDF"
for f in charts/beneficiaries_by_sex.png charts/employment_by_dosage.svg charts/site_targets.png \
    charts/cumulative_target_print.png charts/qpv_share_print.svg; do
    [ -s "$work/a/$f" ] && pass "written: $f" || fail "missing output $f"
done
if command -v xmllint >/dev/null; then
    xmllint --noout "$work"/a/charts/*.svg && pass "charts: SVG well-formed (xmllint)" ||
        fail "charts: an SVG is not well-formed"
fi

# 1b. Public figures: public/indicators.json is written (the internal file has no
# disclosure keys), and nothing outside restricted/ (public/, charts/, quality/,
# indicators.json) holds a name or a birth date of the inputs (find_identities.pl: attendance is Windows-1252, so iconv first).
[ -s "$work/a/public/indicators.json" ] && grep -q '"disclosure"' "$work/a/public/indicators.json" &&
    ! grep -q '"suppressed"\|"disclosure"' "$work/a/indicators.json" &&
    pass "written: public/indicators.json" || fail "public/indicators.json missing or internal file flagged"
iconv -f WINDOWS-1252 -t UTF-8 samples/attendance.csv >"$work/attendance.utf8.csv"
mkdir -p "$work/top" && cp "$work/a/indicators.json" "$work/top/" # the scanner takes folders
if perl "$here/find_identities.pl" "$work/attendance.utf8.csv" ';' samples/outcomes.csv , \
    -- "$work/a/public" "$work/a/charts" "$work/a/quality" "$work/top" \
    >"$work/identities.out"; then
    pass "no name or birth date outside restricted/"
else
    fail "names or birth dates outside restricted/"; cat "$work/identities.out"
fi

# 2. Errors: one line naming the file (and line:column for JSON), non-zero exit.
expect_error missing_config 1 run --config "$here/cases/no-such-config.json" --output "$work/a"
expect_error bad_json 1 run --config "$here/cases/bad_json.json" --output "$work/a"
expect_error missing_input 1 run --config "$here/cases/missing_input.json" --output "$work/a"
expect_error wrong_type 1 run --config "$here/cases/wrong_type.json" --output "$work/a"
expect_error missing_column 1 run --config "$here/cases/missing_column.json" --output "$work/a"
expect_error site_typo 1 run --config "$here/cases/site_typo.json" --output "$work/a"
expect_error usage 2 frobnicate

# 3. A failed run leaves the previous outputs exactly as they were.
if diff <(snapshot "$work/a") <(snapshot "$work/b") >/dev/null && [ ! -e "$work/a/.impact-staging" ]; then
    pass "failed runs left the previous outputs intact"
else
    fail "a failed run changed the previous outputs"
fi

# 4. validate: writes the quality outputs; exit 3 above the reject threshold.
"$bin" validate --config config/default.json --output "$work/v" --quiet
[ $? = 0 ] && [ -s "$work/v/quality/report.json" ] && [ ! -e "$work/v/indicators.json" ] &&
    pass "validate writes quality/ only" || fail "validate on the samples"
"$bin" validate --config "$here/cases/strict_validate.json" --output "$work/s" 2>"$work/s.err"
[ $? = 3 ] && grep -q "above validate.max_reject_share" "$work/s.err" &&
    pass "validate exits 3 above the threshold" || fail "validate threshold"

# 4b. The run summary says what the figures say (issue 14): a target already met gives the
#     day it was met (cases/target_reached.json: its comment has the working).
"$bin" run --config "$here/cases/target_reached.json" --output "$work/t" 2>"$work/t.err"
want='target: 10 of 8 persons (125.0 %) at 2019-11-26; target reached on 2019-01-22 (by the deadline)'
grep -qxF "$want" "$work/t.err" && pass "summary: target reached on its day" ||
    { fail "summary: no line \"$want\""; cat "$work/t.err"; }
#     An export taken in October (tests/fixtures/partial_year/README.md): 2020 is partial in
#     the summary and in both JSON files, its changes computed and flagged.
"$bin" run --config tests/fixtures/partial_year/config.json --output "$work/p" 2>"$work/p.err"
for want in '2020 (partial: data up to 2020-10-16): 3 beneficiaries (2 new), 7 cumulative since the start' \
    '  its changes from the previous period compare part of a period with a whole one (flagged "partial" in indicators.json)' \
    'target: 7 of 12 persons (58.3 %) at 2020-10-16; trend reaches it on 2025-07-13 (after the deadline)'; do
    grep -qxF "$want" "$work/p.err" && pass "summary: partial period: $want" ||
        { fail "summary: no line \"$want\""; cat "$work/p.err"; }
done
for f in indicators.json public/indicators.json; do
    got=$(jq -c '[.periods[] | [.label, .partial, .data_until, .change_from_previous.partial,
                                 .change_from_previous.beneficiaries.absolute]]' "$work/p/$f")
    [ "$got" = '[["2019",false,null,null,null],["2020",true,"2020-10-16",true,-2]]' ] &&
        pass "partial period in $f" || fail "partial period in $f: $got"
done

# 5. Dialect fixtures (tests/fixtures/dialects/NAME/README.md: the hand working). Each run's
#    quality/rejects.csv (and probable_duplicates.csv where expected) byte for byte, and
#    every figure of expected/figures.txt ("FILE JQ-FILTER VALUE", VALUE the last word).
check_figures() { # NAME OUTPUT-DIR FIGURES-FILE
    local name=$1 out=$2 file rest filter want got
    while read -r file rest; do
        case $file in '' | '#'*) continue ;; esac
        want=${rest##* } filter=${rest% *}
        got=$(jq -c "$filter" "$out/$file" 2>&1)
        [ "$got" = "$want" ] || { fail "$name: $file $filter is $got, expected $want"; return; }
    done <"$3"
    pass "$name: figures"
}
for dir in tests/fixtures/dialects/*/; do
    name=dialect/$(basename "$dir") out=$work/dialect-$(basename "$dir")
    if ! "$bin" run --config "$dir/config.json" --output "$out" --quiet; then
        fail "$name: the run failed"; continue
    fi
    for f in rejects.csv probable_duplicates.csv; do
        [ -e "$dir/expected/$f" ] || continue
        diff -u "$dir/expected/$f" "$out/quality/$f" && pass "$name: $f" || fail "$name: $f differs"
    done
    check_figures "$name" "$out" "$dir/expected/figures.txt"
done

# 6. The benchmark's generator (tests/bench/generate.c) at 20 000 rows: the run's per-year
#    figures must equal the counts the generator made from its own model, so that speed work
#    cannot silently change a figure (issue 6; `make bench` does the same at scale).
if ${CC:-cc} -std=c17 -O2 -o "$work/bench_generate" tests/bench/generate.c &&
    ${CC:-cc} -std=c17 -O2 -o "$work/bench_check" tests/bench/check.c \
        $(pkg-config --cflags --libs jansson) &&
    "$work/bench_generate" 20000 "$work/bench" >/dev/null &&
    "$bin" run --config "$work/bench/config.json" --output "$work/bench/out" --quiet &&
    "$work/bench_check" "$work/bench/expected.txt" "$work/bench/out/indicators.json" >/dev/null; then
    pass "bench generator: figures equal its independent counts"
else
    fail "bench generator: figures differ from its independent counts (see above)"
fi

# 7. Bad input never crashes: each case a clear message (or a reject) and the right exit.
# expect_message NAME EXIT TEXT CONFIG: exit status, and TEXT somewhere in stderr.
expect_message() {
    local name=$1 want=$2 text=$3 config=$4
    "$bin" run --config "$config" --output "$work/bad/out-$name" --quiet 2>"$work/bad/$name.err"
    local got=$?
    if [ "$got" = "$want" ] && { [ -z "$text" ] || grep -qF -- "$text" "$work/bad/$name.err"; }; then
        pass "bad input: $name"
    else
        fail "bad input: $name (exit $got, expected $want and \"$text\")"; cat "$work/bad/$name.err"
    fi
}
bad_config() { # bad_config NAME EXPORT [EXTRA JSON]: a config reading one attendance export
    printf '{"inputs": [{"kind": "attendance", "path": "%s"}]%s}\n' "$2" "${3:-}" >"$work/bad/$1.json"
}
mkdir -p "$work/bad/dir-input"
head='session_date,site,participant_id'
: >"$work/bad/empty.csv"
echo "$head" >"$work/bad/header_only.csv"
{ echo "$head"; printf '2018-01-01,A,'; head -c 10000000 /dev/zero | tr '\0' 'a'; printf '\n2018-01-02,A,P2\n'; } >"$work/bad/long_line.csv"
{ echo "$head"; printf '2018-01-01,A,'; } >"$work/bad/huge_field.csv"
truncate -s 2G "$work/bad/huge_field.csv" # sparse: 2 GiB of NUL bytes in one field
printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\xff\xfe\x00\x89PNG\r\n\x1a\n\x00\x00\x01\x02' >"$work/bad/binary.csv"
echo "$head" >"$work/bad/ok.csv"; echo "2018-01-01,A,P1" >>"$work/bad/ok.csv"
bad_config directory dir-input
bad_config empty empty.csv
bad_config header_only header_only.csv
bad_config long_line long_line.csv
bad_config huge_field huge_field.csv
bad_config binary binary.csv
bad_config negative_target ok.csv ', "target": {"total": -5}'
bad_config deadline_before ok.csv ', "window": {"first": "2018-01-01"}, "target": {"deadline": "2017-12-31"}'
bad_config unknown_key ok.csv ', "targte": {"total": 10}'
expect_message directory 1 "is a directory, expected a CSV file" "$work/bad/directory.json"
expect_message empty 1 "the file is empty: expected a header row" "$work/bad/empty.json"
expect_message header_only 0 "" "$work/bad/header_only.json"
expect_message binary 1 "missing required column session_date" "$work/bad/binary.json"
expect_message negative_target 1 "target.total: expected a whole number of persons" "$work/bad/negative_target.json"
expect_message deadline_before 1 "target.deadline: expected a date on or after window.first" "$work/bad/deadline_before.json"
expect_message unknown_key 0 'unknown key "targte" in the top level ignored (did you mean "target"?)' "$work/bad/unknown_key.json"
for big in long_line huge_field; do
    expect_message "$big" 0 "" "$work/bad/$big.json"
    grep -qF "a field longer than 1 MiB" "$work/bad/out-$big/quality/rejects.csv" &&
        pass "bad input: $big rejected with its reason" || fail "bad input: $big not rejected"
done
if [ "$(id -u)" != 0 ]; then
    cp "$work/bad/ok.csv" "$work/bad/locked.csv"; chmod 000 "$work/bad/locked.csv"
    bad_config locked locked.csv
    expect_message locked 1 "cannot open the file: Permission denied" "$work/bad/locked.json"
else
    echo "skip bad input: permission denied (running as root, who may read anything)"
fi

# Old Mac exports end lines with CR alone: every row counted, a bad one rejected at its line.
printf 'session_date,site,participant_id\r2018-01-01,A,P1\r2018-01-02,A,"P2\r2018-01-03,A,P3\r2018-01-04,A,P4\r' \
    >"$work/bad/cr_only.csv"
bad_config cr_only cr_only.csv
expect_message cr_only 0 "" "$work/bad/cr_only.json"
grep -q '"rows_read": 4' "$work/bad/out-cr_only/quality/report.json" &&
    grep -q '^"cr_only.csv",3,' "$work/bad/out-cr_only/quality/rejects.csv" &&
    pass "bad input: CR-only line ends, every row counted" || fail "CR-only line ends"

# An output path too long for the run's files is refused before anything is touched.
mkdir -p "$work/long" && touch "$work/long/keep"
"$bin" run --config config/default.json --output "$work/long/$(printf 'a%.0s' $(seq 1 1010))" \
    --quiet 2>"$work/long.err"
got=$?
[ "$got" = 1 ] && grep -q "path is too long" "$work/long.err" && [ -e "$work/long/keep" ] &&
    pass "bad input: an output path too long is refused" || fail "long output path (exit $got)"

# 8. A write failure mid-run (a file size limit, as a full disk would) leaves the previous
# outputs exactly as they were. The charts' SVGs are the first files above 64 KiB.
before=$(snapshot "$work/a")
(ulimit -f 64; "$bin" run --config config/default.json --output "$work/a" --quiet 2>"$work/fsize.err")
got=$?
if [ "$got" = 1 ] && grep -q "cannot write" "$work/fsize.err" &&
    [ "$before" = "$(snapshot "$work/a")" ] && [ ! -e "$work/a/.impact-staging" ]; then
    pass "a write failure leaves the previous outputs intact"
else
    fail "write failure: exit $got, outputs changed or staging left"; cat "$work/fsize.err"
fi

# 9. Progress and timings on stderr. On a terminal (a pseudo-terminal from `script`), a
# progress line is drawn and erased before the summary; --quiet or a stderr that is not a
# terminal has none (the golden stderr cases above are the second kind). --timings lists
# every step of the run.
if command -v script >/dev/null; then
    script -qec "$bin run --config config/default.json --output $work/tty" /dev/null \
        >"$work/tty.out" 2>&1
    grep -q 'reading .*samples/attendance.csv: .*% ([0-9]* rows' "$work/tty.out" &&
        pass "progress: shown on a terminal" || fail "progress: no progress line on a terminal"
    script -qec "$bin run --config config/default.json --output $work/tty --quiet" /dev/null \
        >"$work/tty-quiet.out" 2>&1
    [ ! -s "$work/tty-quiet.out" ] && pass "progress: --quiet prints nothing on a terminal" ||
        fail "progress: --quiet printed something"
fi
"$bin" run --config config/default.json --output "$work/timed" --quiet --timings 2>"$work/timed.err"
grep -q '^impact: ingest and clean  *[0-9.]* s$' "$work/timed.err" &&
    grep -q '^impact: publish outputs  *[0-9.]* s$' "$work/timed.err" &&
    ! grep -q reading "$work/timed.err" && pass "timings: every step's wall time" ||
    fail "timings: steps missing"

[ "$failures" = 0 ] && echo "e2e: all passed" || echo "e2e: $failures failed"
exit $((failures > 0))
