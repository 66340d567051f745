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
for f in indicators.json quality/report.json quality/rejects.csv quality/duplicates.csv \
    charts/cumulative_target.png \
    charts/beneficiaries_by_role.svg charts/outcome_rates.png charts/qpv_share.svg; do
    [ -s "$work/a/$f" ] && pass "written: $f" || fail "missing output $f"
done

# Every duplicate row counted is listed in quality/duplicates.csv, and nothing else is.
dups=$(jq '[.inputs[].rows_duplicate] | add' "$work/a/quality/report.json")
[ "$(($(wc -l <"$work/a/quality/duplicates.csv") - 1))" = "$dups" ] &&
    pass "duplicates.csv: one line per duplicate row ($dups)" ||
    fail "duplicates.csv: not one line per duplicate row ($dups counted)"

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
# Issue 14, defect 7: empty inputs are loud. An attendance export with a title and a header
# but no row, and one whose every row is rejected, are errors (before: exit 0 and figures of
# zero); an outcome export without any row is a warning and the run goes on.
expect_error empty_attendance 1 run --config "$here/cases/empty_attendance.json" --output "$work/ea" --quiet
expect_error all_rejected 1 run --config "$here/cases/all_rejected.json" --output "$work/ar" --quiet
expect_error empty_outcome 0 run --config "$here/cases/empty_outcome.json" --output "$work/eo" --quiet
[ "$(jq '.inputs[1].no_data_rows, .inputs[1].rows_read' "$work/eo/quality/report.json" | tr '\n' ' ')" = "true 0 " ] &&
    pass "empty outcome: no_data_rows in quality/report.json" || fail "empty outcome: report.json"
"$bin" validate --config "$here/cases/all_rejected.json" --output "$work/arv" --quiet 2>"$work/arv.err"
[ $? = 1 ] && grep -qF "none of the 3 rows of this attendance export was accepted: see why in $work/arv/quality/rejects.csv" "$work/arv.err" &&
    [ "$(wc -l <"$work/arv/quality/rejects.csv")" = 4 ] &&
    pass "validate: no accepted row is an error, quality/ written" || fail "validate: all rows rejected"
expect_error usage_command 2 valdate --config config/default.json
expect_error usage_option 2 run --config config/default.json --ouput "$work/a"
expect_error usage_missing_value 2 run --config

# 2a. Help and version (issue 14): on stdout, exit 0, nothing on stderr, wherever --help,
# -h or --version is on the line; a command's help is its own usage with an example.
# expect_help NAME FIRST-LINE ARGS...: exit 0, empty stderr, stdout's first line, and an
# "example: impact …" line when the first line is a usage.
expect_help() {
    local name=$1 first=$2
    shift 2
    "$bin" "$@" >"$work/help.out" 2>"$work/help.err"
    local got=$?
    if [ "$got" = 0 ] && [ ! -s "$work/help.err" ] && [ "$(head -n 1 "$work/help.out")" = "$first" ] &&
        { [ "${first#usage}" = "$first" ] || grep -q '^example: impact ' "$work/help.out"; }; then
        pass "help: $name"
    else
        fail "help: $name (exit $got)"; head -n 3 "$work/help.out" "$work/help.err"
    fi
}
run_usage="usage: impact run --config FILE [--output DIR] [--quiet] [--timings]"
validate_usage="usage: impact validate --config FILE [--output DIR] [--quiet] [--timings]"
expect_help "--help" "$run_usage" --help
expect_help "-h" "$run_usage" -h
expect_help "help" "$run_usage" help
expect_help "run --help" "$run_usage" run --help
expect_help "run --config FILE --help" "$run_usage" run --config config/default.json --help
expect_help "run -h --config FILE" "$run_usage" run -h --config config/default.json
expect_help "validate --help" "$validate_usage" validate --help
expect_help "validate --config FILE -h" "$validate_usage" validate --config no-such.json -h
expect_help "--version" "impact 0.1.0" --version
expect_help "run --config FILE --version" "impact 0.1.0" run --config config/default.json --version
"$bin" validate --help | grep -q '^Reads and cleans' && ! "$bin" run --help | grep -q '^Reads and cleans' &&
    pass "help: each command has its own" || fail "help: run and validate print the same help"
# An unknown key is an error (issue 14): alone, at its line and column; several, all in one
# message in the order of the file, each with its line and the nearest known key.
expect_error unknown_key 1 run --config "$here/cases/unknown_key.json" --output "$work/a"
expect_error unknown_keys 1 run --config "$here/cases/unknown_keys.json" --output "$work/a"
# Situation labels no mapping knows: run stops after the join with the lines to add, exit 3
# (into the samples' outputs: section 3 checks that they are left as they were).
expect_error unmapped_run 3 run --config "$here/cases/unmapped_situation.json" --output "$work/a"

# 2b. Without threads (pthread_create made to fail by a preloaded shim), every job of the
# worker (stages/common/worker.h) runs on the caller's thread: the same outputs, byte for
# byte. Skipped for sanitizer builds, whose runtime must come first in the library list.
if ! ldd "$bin" 2>/dev/null | grep -q 'libasan\|libtsan'; then
    printf '%s\n' '#include <errno.h>' '#include <pthread.h>' \
        'int pthread_create(pthread_t *t, const pthread_attr_t *a, void *(*f)(void *), void *p)' \
        '{ (void)t; (void)a; (void)f; (void)p; return EAGAIN; }' >"$work/nothread.c"
    if ${CC:-cc} -shared -fPIC -o "$work/nothread.so" "$work/nothread.c" &&
        LD_PRELOAD=$work/nothread.so "$bin" run --config config/default.json --output "$work/nt" --quiet &&
        diff <(snapshot "$work/a") <(snapshot "$work/nt") >/dev/null; then
        pass "no threads: byte-identical outputs"
    else
        fail "no threads: the run failed or its outputs differ"
    fi
fi

# 2c. A system that cannot convert Windows-1252 (iconv_open failing, made so by a preloaded
# shim) stops on the samples' Windows-1252 attendance export with a clear message, instead
# of reading its bytes unconverted. Skipped for sanitizer builds, as above.
if ! ldd "$bin" 2>/dev/null | grep -q 'libasan\|libtsan'; then
    printf '%s\n' '#include <errno.h>' '#include <iconv.h>' \
        'iconv_t iconv_open(const char *to, const char *from)' \
        '{ (void)to; (void)from; errno = EINVAL; return (iconv_t)-1; }' >"$work/noiconv.c"
    ${CC:-cc} -shared -fPIC -o "$work/noiconv.so" "$work/noiconv.c"
    LD_PRELOAD=$work/noiconv.so "$bin" run --config config/default.json --output "$work/ni" \
        --quiet 2>"$work/ni.err"
    got=$?
    [ "$got" = 1 ] && grep -qF "samples/attendance.csv: ingest: the export is in Windows-1252 and this system cannot convert it" "$work/ni.err" &&
        pass "no iconv: a Windows-1252 export stops with a clear message" ||
        { fail "no iconv (exit $got)"; cat "$work/ni.err"; }
fi

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

# 4a. Unmapped situation labels (issue 14): validate writes quality/ with the listing and
# exits 3 with the same lines; pasting them between the braces of "situations" makes
# validate and run pass; an explicit "unknown" passes; validate.max_unmapped_situation_share
# lets a label through when its share is not above it. cases/unmapped_outcomes.csv has 8
# rows: "Formation qualifiant" 3 (two spellings), "Demandeuse d emploi" 1, "Service civique
# international" 1, and 3 rows with known labels. Shares: 3/8 = 0.375 and 1/8 = 0.125.
# Persons P01-P08 each have one observation after their first presence: pasted (training,
# unemployed, training), 7 known (P07 "Sans nouvelles" is not), positive 2 employed + 4 in
# training = 6/7; all three "unknown": 2 known (P01, P08), both employed = 2/2.
unmapped=$here/cases/unmapped_situation.json
expect_error unmapped_validate 3 validate --config "$unmapped" --output "$work/u" --quiet
[ "$(jq -c '[.unmapped_situations.labels[] | [.label, .rows, .first, .suggested]]' "$work/u/quality/report.json")" = \
    '[["Formation qualifiant",3,"unmapped_outcomes.csv:3","training"],["Demandeuse d emploi",1,"unmapped_outcomes.csv:4","unemployed"],["Service civique international",1,"unmapped_outcomes.csv:6","training"]]' ] &&
    pass "unmapped: listed in quality/report.json" || fail "unmapped: report.json listing"
sed -n '/^impact: add these lines/,$p' "$work/unmapped_validate.err" | tail -n +2 >"$work/lines.txt"
awk 'FNR == NR { lines = lines $0 "\n"; next } { print } /"situations": \{/ { printf "%s", lines }' \
    "$work/lines.txt" "$unmapped" |
    sed -e "s|\"\\.\\./\\.\\./fixtures/|\"$PWD/tests/fixtures/|" -e "s|\"unmapped_outcomes|\"$PWD/$here/cases/unmapped_outcomes|" \
        >"$work/pasted.json"
"$bin" validate --config "$work/pasted.json" --output "$work/p" --quiet &&
    "$bin" run --config "$work/pasted.json" --output "$work/p" --quiet &&
    [ "$(jq -c '.periods[0].positive_outcome | [.numerator, .denominator]' "$work/p/indicators.json")" = '[6,7]' ] &&
    pass "unmapped: the pasted lines make validate and run pass" ||
    fail "unmapped: the pasted lines do not pass"
with_situations() { # NAME JSON-OBJECT-BODY [VALIDATE-OBJECT-BODY]: a copy of the case's config
    jq ".situations = {$2} | .validate = {${3:-}} | .inputs[0].path = \"$PWD/tests/fixtures/dialects/cp1252_mission_locale/attendance.csv\" | .inputs[1].path = \"$PWD/$here/cases/unmapped_outcomes.csv\"" \
        "$unmapped" >"$work/$1.json"
}
with_situations explicit '"Formation qualifiant": "unknown", "Demandeuse d emploi": "unknown", "Service civique international": "unknown"'
"$bin" run --config "$work/explicit.json" --output "$work/e" --quiet &&
    [ "$(jq -c '.periods[0].employment | [.numerator, .denominator]' "$work/e/indicators.json")" = '[2,2]' ] &&
    pass "unmapped: an explicit unknown is a choice and passes" || fail "unmapped: explicit unknown"
with_situations share_ok '' '"max_unmapped_situation_share": 0.4'
with_situations share_low '' '"max_unmapped_situation_share": 0.3'
"$bin" validate --config "$work/share_ok.json" --output "$work/t1" --quiet 2>"$work/t1.err" &&
    grep -qF 'warning: 5 of 8 outcome observations (62.5 %) have a situation label that no mapping knows' "$work/t1.err" &&
    pass "unmapped: 3/8 allowed at 0.4, the total of 5/8 said" || fail "unmapped: 3/8 refused at 0.4, or no total"
# 1 500 distinct unmapped labels (second reader): the terminal gets 20 of them and a count of
# the rest, not 3 000 lines; the quality stage lists 1 000, so "or more".
{ printf 'participant_id;observed_on;situation\r\n'; for i in $(seq 1 1500); do printf 'P01;01/11/2019;Label %d\r\n' "$i"; done; } >"$work/many.csv"
jq ".inputs[0].path = \"$PWD/tests/fixtures/dialects/cp1252_mission_locale/attendance.csv\" | .inputs[1].path = \"$work/many.csv\"" \
    "$unmapped" >"$work/many.json"
"$bin" run --config "$work/many.json" --output "$work/t4" 2>"$work/t4.err"
[ $? = 3 ] && grep -qF 'impact: 1000 or more situation labels are not mapped: 1500 of 1500' "$work/t4.err" &&
    grep -qF '… and 980 or more labels (1480 rows)' "$work/t4.err" && [ "$(wc -l <"$work/t4.err")" -lt 50 ] &&
    pass "unmapped: 1 500 labels, 20 printed and the rest counted" || { fail "unmapped: many labels"; head -5 "$work/t4.err"; }
"$bin" run --config "$work/share_low.json" --output "$work/t2" --quiet 2>"$work/t2.err"
[ $? = 3 ] && grep -qF '"Formation qualifiant": "training",' "$work/t2.err" && [ ! -e "$work/t2/indicators.json" ] &&
    pass "unmapped: 3/8 refused at 0.3" || fail "unmapped: 3/8 not refused at 0.3"
printf 'participant_id;observed_on;situation\r\nP01;01/11/2019;Tour du monde\r\n' >"$work/tour.csv"
jq ".inputs[0].path = \"$PWD/tests/fixtures/dialects/cp1252_mission_locale/attendance.csv\" | .inputs[1].path = \"$work/tour.csv\"" \
    "$unmapped" >"$work/tour.json"
"$bin" run --config "$work/tour.json" --output "$work/t3" 2>"$work/t3.err"
[ $? = 3 ] && grep -qF '"Tour du monde": 1 row, first at' "$work/t3.err" &&
    grep -qF '    "Tour du monde": "?"' "$work/t3.err" && pass "unmapped: no close label, \"?\" to choose" ||
    fail "unmapped: the label without suggestion"
# 4b. The run summary says what the figures say (issue 14): a target already met gives the
#     day it was met (cases/target_reached.json: its comment has the working).
"$bin" run --config "$here/cases/target_reached.json" --output "$work/treached" 2>"$work/treached.err"
want='target: 10 of 8 persons (125.0 %) at 2019-11-26; target reached on 2019-01-22 (by the deadline)'
grep -qxF "$want" "$work/treached.err" && pass "summary: target reached on its day" ||
    { fail "summary: no line \"$want\""; cat "$work/treached.err"; }
#     An export taken in October (tests/fixtures/partial_year/README.md): 2020 is partial in
#     the summary and in both JSON files, its changes computed and flagged.
"$bin" run --config tests/fixtures/partial_year/config.json --output "$work/partial" 2>"$work/partial.err"
for want in '2020 (partial: data up to 2020-10-16): 3 beneficiaries (2 new), 7 cumulative since the start' \
    '  its changes from the previous period compare part of a period with a whole one (flagged "partial" in indicators.json)' \
    'target: 7 of 12 persons (58.3 %) at 2020-10-16; trend reaches it on 2025-07-13 (after the deadline)'; do
    grep -qxF "$want" "$work/partial.err" && pass "summary: partial period: $want" ||
        { fail "summary: no line \"$want\""; cat "$work/partial.err"; }
done
for f in indicators.json public/indicators.json; do
    got=$(jq -c '[.periods[] | [.label, .partial, .data_until, .change_from_previous.partial,
                                 .change_from_previous.beneficiaries.absolute]]' "$work/partial/$f")
    [ "$got" = '[["2019",false,null,null,null],["2020",true,"2020-10-16",true,-2]]' ] &&
        pass "partial period in $f" || fail "partial period in $f: $got"
done

# 5. Dialect fixtures (tests/fixtures/dialects/NAME/README.md: the hand working). Each run's
#    quality/rejects.csv (and probable_duplicates.csv, duplicates.csv where expected) byte for byte, and
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
    for f in rejects.csv probable_duplicates.csv duplicates.csv; do
        [ -e "$dir/expected/$f" ] || continue
        diff -u "$dir/expected/$f" "$out/quality/$f" && pass "$name: $f" || fail "$name: $f differs"
    done
    check_figures "$name" "$out" "$dir/expected/figures.txt"
done
# The Mission locale fixture with "qpv_code_blank": "unknown" (its README, last section).
dir=tests/fixtures/dialects/cp1252_mission_locale
"$bin" run --config "$dir/config_blank_unknown.json" --output "$work/blank_unknown" --quiet &&
    check_figures dialect/qpv_code_blank_unknown "$work/blank_unknown" "$dir/expected/figures_blank_unknown.txt" ||
    fail "dialect/qpv_code_blank_unknown: the run failed"

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
{ echo "$head"; echo "2018-01-01,A,P0"; printf '2018-01-01,A,'; } >"$work/bad/huge_field.csv"
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
bad_config unknown_label ok.csv ', "labels": {"sex": {"Female": ["Fem"]}}'
expect_message directory 1 "is a directory, expected a CSV file" "$work/bad/directory.json"
expect_message empty 1 "the file is empty: expected a header row" "$work/bad/empty.json"
expect_message header_only 1 "header_only.csv:1: ingest: the file has a header but no data row" "$work/bad/header_only.json"
expect_message binary 1 "missing required columns session_date, site" "$work/bad/binary.json"
expect_message negative_target 1 "target.total: expected a whole number of persons" "$work/bad/negative_target.json"
expect_message deadline_before 1 "target.deadline: expected a date on or after window.first" "$work/bad/deadline_before.json"
expect_message unknown_key 1 '"targte": unknown key at the top level; did you mean "target"?' "$work/bad/unknown_key.json"
expect_message unknown_label 1 '"labels.sex.Female": unknown key in labels.sex; did you mean "F"?' "$work/bad/unknown_label.json"
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

# skip_lines (issue 14, defect 8): the lines skipped are not parsed (a title with a stray
# quote), the header is the next row; a value that is no whole number is an error.
printf 'Feuille "provisoire\r\n\r\nsession_date;site;participant_id\r\n2018-01-01;A;P1\r\n' >"$work/bad/titled.csv"
printf '{"inputs": [{"kind": "attendance", "path": "titled.csv", "skip_lines": 2}]}\n' >"$work/bad/skip_lines.json"
printf '{"inputs": [{"kind": "attendance", "path": "titled.csv", "skip_lines": 1.5}]}\n' >"$work/bad/skip_half.json"
expect_message skip_lines 0 "" "$work/bad/skip_lines.json"
jq -e '.inputs[0] | .header_line == 3 and .lines_above_header == 2 and .rows_accepted == 1' \
    "$work/bad/out-skip_lines/quality/report.json" >/dev/null &&
    pass "bad input: skip_lines, header on line 3" || fail "skip_lines: header_line or rows"
expect_message skip_half 1 "inputs[0].skip_lines: expected a whole number of lines, found 1.5" "$work/bad/skip_half.json"

# Old Mac exports end lines with CR alone: every row counted, a bad one rejected at its line.
printf 'session_date,site,participant_id\r2018-01-01,A,P1\r2018-01-02,A,"P2\r2018-01-03,A,P3\r2018-01-04,A,P4\r' \
    >"$work/bad/cr_only.csv"
bad_config cr_only cr_only.csv
expect_message cr_only 0 "" "$work/bad/cr_only.json"
grep -q '"rows_read": 4' "$work/bad/out-cr_only/quality/report.json" &&
    grep -q '^"cr_only.csv",3,' "$work/bad/out-cr_only/quality/rejects.csv" &&
    pass "bad input: CR-only line ends, every row counted" || fail "CR-only line ends"

# A UTF-16 export (second reader: it got advice about the header and the delimiter).
printf 'session_date;site;participant_id\r\n10/02/2019;T;P1\r\n' | iconv -f UTF-8 -t UTF-16 >"$work/bad/utf16.csv"
bad_config utf16 utf16.csv
expect_message utf16 1 'the file is in UTF-16 (as Excel saves "Unicode text"): save it as "CSV UTF-8"' "$work/bad/utf16.json"

# A title of two cells with a date above the header is a title, not data: the run goes on.
printf 'Export du;12/03/2019\n\nsession_date;site;participant_id\n12/02/2019;Tarascon;P03\n' >"$work/bad/dated_title.csv"
bad_config dated_title dated_title.csv
expect_message dated_title 0 "" "$work/bad/dated_title.json"

# A qpv_code column blank on every row (second reader): 0 % in QPV, so a loud warning that
# names the qpv_code_blank switch; with one code present there is no warning.
printf 'session_date,site,qpv_code,participant_id\n10/02/2019,T,,P1\n11/02/2019,T,,P2\n' >"$work/bad/qpv_blank.csv"
bad_config qpv_blank qpv_blank.csv
expect_message qpv_blank 0 'no session has a QPV code: the qpv_code column is blank on every row' "$work/bad/qpv_blank.json"
printf 'session_date,site,qpv_code,participant_id\n10/02/2019,T,QP013055,P1\n11/02/2019,T,,P2\n' >"$work/bad/qpv_one.csv"
bad_config qpv_one qpv_one.csv
"$bin" run --config "$work/bad/qpv_one.json" --output "$work/bad/out-qpv_one" --quiet 2>"$work/bad/qpv_one.err" &&
    ! grep -q 'no session has a QPV code' "$work/bad/qpv_one.err" &&
    pass "bad input: one QPV code, no warning" || fail "bad input: qpv_one"

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
