# Makefile — build, run and test the QPV impact pipeline.
#
#   make run     install what is missing, build, run config/default.json on the samples
#   make test    install what is missing, build, run every test (plain, then ASan+UBSan)
#   make deps    install the Debian packages a fresh machine lacks (checks first)
#   make samples rebuild the sample generator and regenerate samples/*.csv
#
# BUILD selects the build folder (default build/); SAN=1 builds with ASan and UBSan.

BUILD ?= build
SAN ?= 0
CC ?= cc
PKGS := gsl jansson cairo libcrypto
DEB_PACKAGES := build-essential pkg-config libcsv-dev libgsl-dev libjansson-dev libcairo2-dev \
                libssl-dev libcmocka-dev fonts-dejavu-core

WARN := -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror
OPT ?= -O2 -g
ifeq ($(SAN),1)
OPT := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
SAN_LDFLAGS := -fsanitize=address,undefined
export LSAN_OPTIONS := suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1
endif
# Recursive (=) so pkg-config runs when a recipe needs the flags, after `make deps`.
CPPFLAGS = -I. -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE $(shell pkg-config --cflags $(PKGS))
CFLAGS = $(WARN) $(OPT) -MMD -MP
LDFLAGS = $(SAN_LDFLAGS)
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lcsv -lm

LIB_SRC := $(wildcard stages/common/*.c stages/*.c) $(filter-out pipeline/main.c,$(wildcard pipeline/*.c))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all run test check unit e2e deps samples clean format format-check

all: $(BUILD)/impact

run: deps
	@$(MAKE) --no-print-directory all
	$(BUILD)/impact run --config config/default.json

test: deps
	@$(MAKE) --no-print-directory format-check
	@$(MAKE) --no-print-directory check
	@$(MAKE) --no-print-directory check BUILD=build/san SAN=1

check: unit e2e

unit: $(UNIT_BIN) $(BUILD)/impact
	@set -e; for t in $(UNIT_BIN); do echo "== $$t"; IMPACT_BIN=$(BUILD)/impact $$t; done

e2e: $(BUILD)/impact
	@tests/e2e/run.sh $(BUILD)/impact

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

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libimpact.a
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -MF $@.d $(LDFLAGS) -o $@ $< $(BUILD)/libimpact.a $(LDLIBS) -lcmocka

$(BUILD)/gen_samples: samples/generate.c
	@mkdir -p $(dir $@)
	$(CC) $(WARN) -O2 -o $@ $<

samples: $(BUILD)/gen_samples
	$(BUILD)/gen_samples samples

format:
	clang-format -i $(wildcard pipeline/*.[ch] stages/*.[ch] stages/common/*.[ch] tests/unit/*.[ch] samples/*.c)

format-check:
	@clang-format --dry-run -Werror $(wildcard pipeline/*.[ch] stages/*.[ch] stages/common/*.[ch] tests/unit/*.[ch] samples/*.c)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(BUILD)/obj/pipeline/main.d $(UNIT_BIN:=.d)
