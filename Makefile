# Makefile — build, run and test the QPV impact pipeline.
#
#   make run     install what is missing, build, run config/default.json on the samples
#   make test    install what is missing, build, run every test (plain, then ASan+UBSan,
#                then ThreadSanitizer, whole runs under Valgrind, then 30 s of each fuzz
#                target)
#   make deps    install the Debian packages a fresh machine lacks (checks first)
#   make golden-update  rewrite tests/golden/ from this build (read the diff before committing)
#   make samples rebuild the sample generator and regenerate samples/*.csv
#   make fuzz    run each libFuzzer target (tests/fuzz/) for FUZZ_SECONDS (default 300)
#
# BUILD selects the build folder (default build/); SAN=1 builds with ASan and UBSan; TSAN=1
# with ThreadSanitizer (every run reads on two threads and finishes on two: see
# pipeline/run.c and stages/ingest/);
# FUZZ=1 builds with clang, libFuzzer coverage, ASan and UBSan (make fuzz sets it).

BUILD ?= build
SAN ?= 0
CC ?= cc
PKGS := gsl jansson cairo libpng libcrypto
DEB_PACKAGES := build-essential pkg-config libcsv-dev libgsl-dev libjansson-dev libcairo2-dev libpng-dev \
                libssl-dev libcmocka-dev fonts-dejavu-core clang clang-format libclang-rt-dev jq valgrind

# Warnings are errors in `make test` (and CI), which sets WERROR=1; a user's `make run` with a
# newer compiler that warns about something new still builds.
WERROR ?= 0
WARN := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes $(if $(filter 1,$(WERROR)),-Werror)
OPT ?= -O2 -g
ifeq ($(SAN),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
endif
ifeq ($(TSAN),1)
OPT := -O1 -g -fsanitize=thread -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=thread
export TSAN_OPTIONS := halt_on_error=1:second_deadlock_stack=1
endif
ifeq ($(FUZZ),1)
CC := clang
OPT := -O1 -g -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all \
       -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
endif
FUZZ_SECONDS ?= 300
FUZZ_TARGETS := ingest config
# Recursive (=) so pkg-config runs when a recipe needs the flags, after `make deps`.
CPPFLAGS = -I. -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE $(shell pkg-config --cflags $(PKGS))
CFLAGS = $(WARN) $(OPT) -pthread -MMD -MP
LDFLAGS = $(SAN_LDFLAGS) -pthread
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lcsv -lm

LIB_SRC := $(wildcard stages/*.c stages/*/*.c) $(filter-out pipeline/main.c,$(wildcard pipeline/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
REPLAY_BIN := $(FUZZ_TARGETS:%=$(BUILD)/tests/replay_%)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all run test check unit e2e golden golden-update valgrind replay fuzz fuzz-run deps samples clean format format-check FORCE

all: $(BUILD)/impact

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/impact run --config config/default.json

test: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory check WERROR=1
	@$(MAKE) --no-print-directory check BUILD=build/san SAN=1 WERROR=1
	@$(MAKE) --no-print-directory check BUILD=build/tsan TSAN=1 WERROR=1
	@$(MAKE) --no-print-directory valgrind WERROR=1
	@$(MAKE) --no-print-directory fuzz FUZZ_SECONDS=30 WERROR=1

check: unit e2e golden replay

# Whole runs compared with tests/golden/ (tests/golden/run.sh says what is kept).
golden: $(BUILD)/impact
	@tests/golden/run.sh $(BUILD)/impact

# Rewrites the goldens from this build: read `git diff tests/golden` before committing.
golden-update: $(BUILD)/impact
	@tests/golden/run.sh $(BUILD)/impact --update

unit: $(UNIT_BIN) $(BUILD)/impact
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; IMPACT_BIN=$(BUILD)/impact $$t; done

e2e: $(BUILD)/impact
	@tests/e2e/run.sh $(BUILD)/impact

# Memcheck on whole runs (the plain build): the hand-worked and statistics fixtures, and a
# run that fails on a missing column. Any error or definite/indirect leak fails the target;
# fontconfig's lifetime allocations are suppressed (tests/valgrind.supp).
VALGRIND := valgrind -q --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
            --suppressions=tests/valgrind.supp
valgrind: $(BUILD)/impact
	@set -e; out=$$(mktemp -d); trap 'rm -rf "$$out"' EXIT; \
	for c in handworked statistics; do \
	  echo "== valgrind: tests/fixtures/$$c"; \
	  $(VALGRIND) $(BUILD)/impact run --config tests/fixtures/$$c/config.json --output $$out/$$c --quiet; \
	done; \
	echo "== valgrind: a failing run"; \
	status=0; $(VALGRIND) $(BUILD)/impact run --config tests/e2e/cases/missing_column.json \
	  --output $$out/x 2>/dev/null || status=$$?; \
	test $$status = 1

# The fuzz targets without libFuzzer, over their seeds and every crash they ever found.
replay: $(REPLAY_BIN)
	@set -e; for t in $(FUZZ_TARGETS); do $(BUILD)/tests/replay_$$t tests/fuzz/corpus_$$t/*; done

fuzz: deps
	@$(MAKE) --no-print-directory fuzz-run BUILD=$(BUILD)/fuzz FUZZ=1

# New inputs go to BUILD/corpus_NAME (the first folder), the seeds are read only; the
# progress log is shown only when a run fails (a crash is saved as BUILD/crash-*).
fuzz-run: $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%)
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/corpus_$$t; \
	  $(BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -dict=tests/fuzz/$$t.dict -artifact_prefix=$(BUILD)/ -print_final_stats=1 \
	    $(BUILD)/corpus_$$t tests/fuzz/corpus_$$t >$(BUILD)/fuzz_$$t.log 2>&1 || \
	    { tail -n 60 $(BUILD)/fuzz_$$t.log; exit 1; }; \
	  echo "fuzz_$$t: $$(grep -o 'Done [0-9]* runs in [0-9]* second(s)' $(BUILD)/fuzz_$$t.log)"; \
	done

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "make deps: installing$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(BUILD)/impact: $(BUILD)/obj/pipeline/main.o $(BUILD)/libimpact.a
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/libimpact.a: $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The compiler and flags a build folder was made with: objects are rebuilt when they change
# (a `make run` build without -Werror is not reused as is by `make test`).
$(BUILD)/flags.stamp: FORCE
	@mkdir -p $(dir $@)
	@echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' | cmp -s - $@ || \
	  echo '$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS)' >$@

FORCE:

$(BUILD)/obj/%.o: %.c $(BUILD)/flags.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libimpact.a $(BUILD)/flags.stamp
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MF $@.d $(LDFLAGS) -o $@ $< $(BUILD)/libimpact.a $(LDLIBS) -lcmocka

$(BUILD)/tests/replay_%: tests/fuzz/fuzz_%.c tests/fuzz/replay.c $(BUILD)/libimpact.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MF $@.d $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(BUILD)/libimpact.a $(LDLIBS)

$(BUILD)/fuzz_%: tests/fuzz/fuzz_%.c $(BUILD)/libimpact.a
	$(CC) $(CPPFLAGS) $(CFLAGS) -MF $@.d -fsanitize=fuzzer,address,undefined -o $@ $< $(BUILD)/libimpact.a $(LDLIBS)

# The sample generator is one program of several files: every samples/*.c, with its headers.
$(BUILD)/gen_samples: $(wildcard samples/*.c) $(wildcard samples/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -o $@ $(wildcard samples/*.c)

samples: $(BUILD)/gen_samples
	$(BUILD)/gen_samples samples

format:
	clang-format -i $(wildcard pipeline/*.[ch] stages/*.[ch] stages/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c samples/*.[ch])

format-check:
	@clang-format --dry-run -Werror $(wildcard pipeline/*.[ch] stages/*.[ch] stages/*/*.[ch] tests/unit/*.[ch] tests/fuzz/*.c tests/bench/*.c samples/*.[ch])

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/pipeline/main.d $(UNIT_BIN:=.d) $(REPLAY_BIN:=.d) \
         $(FUZZ_TARGETS:%=$(BUILD)/fuzz_%.d)

# ---- benchmark (issue 6; docs/performance.md) ---------------------------------------------
#   make bench                      1 000 000 attendance rows (+ 10 % outcome rows)
#   make bench BENCH_ROWS=10000000  ten million; BENCH_REPEAT=5 for five runs of each (default 3)
# The seeded generator writes bench-data/ROWS/ once (git-ignored, reused by later runs);
# tests/bench/bench.sh times impact, the raw libcsv pass and wc -l on it, then checks the
# run's per-year figures against the generator's own counts.

BENCH_ROWS ?= 1000000
BENCH_REPEAT ?= 3
BENCH_DATA := bench-data/$(BENCH_ROWS)
BENCH_TOOLS := $(BUILD)/bench/generate $(BUILD)/bench/csv_count $(BUILD)/bench/measure \
               $(BUILD)/bench/check
BENCH_CFLAGS = $(WARN) -O2

.PHONY: bench bench-tools

bench: deps
	@$(MAKE) --no-print-directory $(BUILD)/impact bench-tools $(BENCH_DATA)/expected.txt
	@tests/bench/bench.sh $(BUILD) $(BENCH_DATA) $(BENCH_REPEAT)

bench-tools: $(BENCH_TOOLS)

$(BENCH_DATA)/expected.txt: $(BUILD)/bench/generate
	@mkdir -p $(BENCH_DATA)
	$(BUILD)/bench/generate $(BENCH_ROWS) $(BENCH_DATA)

$(BUILD)/bench/csv_count: tests/bench/csv_count.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $< -lcsv

$(BUILD)/bench/check: tests/bench/check.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) $(shell pkg-config --cflags jansson) -o $@ $< \
	  $(shell pkg-config --libs jansson)

$(BUILD)/bench/generate: samples/seeded_random.h

$(BUILD)/bench/%: tests/bench/%.c
	@mkdir -p $(dir $@)
	$(CC) $(BENCH_CFLAGS) -o $@ $<
