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

# 2. Errors: one line naming the file (and line:column for JSON), non-zero exit.
expect_error missing_config 1 run --config "$here/cases/no-such-config.json" --output "$work/a"
expect_error bad_json 1 run --config "$here/cases/bad_json.json" --output "$work/a"
expect_error missing_input 1 run --config "$here/cases/missing_input.json" --output "$work/a"
expect_error wrong_type 1 run --config "$here/cases/wrong_type.json" --output "$work/a"
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

[ "$failures" = 0 ] && echo "e2e: all passed" || echo "e2e: $failures failed"
exit $((failures > 0))
