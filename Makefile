# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj: one entry point.
#
#   make              module (for KVER), libraries and tools
#   make check        install what is missing, build, static checks, host
#                     unit tests, fuzzers briefly, binding validation, VM
#                     selftests; ends with "N passed, M failed"
#   make check-vm     only the VM stage
#   make check-fresh  make check of this commit on a brand-new Debian root
#   make check-system the .debs installed and tested in a booted Debian system
#   make bench        benchmarks, JSON under build/bench/
#   make demo         DANP training on noise from /dev/smtj0 in the VM
#
# Area makefiles (lib/*/*.mk, utils/utils.mk, tests/*/*.mk, bench/bench.mk)
# append to the lists below; this file only ties them together.

.DEFAULT_GOAL := all
SHELL := /bin/bash

TOP   := $(abspath .)
BUILD ?= $(TOP)/build
O     := $(BUILD)/host

# Downloads and unpacked kernels live outside the clone, so that a fresh
# clone on a machine that has run the check before does not fetch them again.
SMTJ_CACHE ?= $(or $(XDG_CACHE_HOME),$(HOME)/.cache)/smtj
KERNELS    ?= $(SMTJ_CACHE)/kernels
export SMTJ_CACHE KERNELS

# Kernel to build against: newest Debian 6.1 headers installed, never the
# running kernel (this machine's kernel has no headers).
KVER ?= $(shell ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null | sed 's|.*/linux-headers-||' | sort -V | tail -n 1)
KARCH ?= x86_64
KDIR ?= /usr/src/linux-headers-$(KVER)

CC      ?= cc
AR      ?= ar
CSTD    := -std=c11 -D_GNU_SOURCE
WARN    := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT     ?= -O2 -g
CFLAGS  ?=
CPPFLAGS += -I$(TOP)/include/uapi -I$(TOP)/lib/include
ALL_CFLAGS = $(CSTD) $(WARN) $(OPT) -fPIC $(CPPFLAGS) $(CFLAGS)
LDLIBS  ?=

# Filled by the area makefiles.
LIBS        :=	# static/shared libraries (targets)
TOOLS       :=	# programs under utils/
UNIT_TESTS  :=	# host test programs; each exits 0 on success, prints TAP
FUZZ_RUNS   :=	# phony targets that run a fuzzer briefly
MODULES     :=	# kernel module builds (kernel/kernel.mk)
DATA_STEPS  :=	# fetch test data into the ignored cache data/
STATIC_CHECKS :=	# W=1, sparse, checkpatch, ...
BINDING_CHECKS :=	# dt-doc-validate, dt-validate, overlays
VM_CHECKS   :=	# VM selftest runs; each writes $$SMTJ_COUNTS/vm*
BENCH_STEPS :=	# phony steps of `make bench`, JSON under $(BUILD)/bench
BENCH_BINS  :=	# benchmark programs: built by `all`, so make check compiles them
DEMO_STEPS  :=	# `make demo`

# Every area's fragment, wherever it sits (up to three levels deep).
MK_FRAGMENTS := $(sort $(wildcard kernel/*.mk lib/*/*.mk utils/*/*.mk \
	tests/*/*.mk tests/*/*/*.mk bench/*.mk bench/*/*.mk dt-bindings/*.mk \
	demo/*.mk))
-include $(MK_FRAGMENTS)

.PHONY: all module libs tools benches deps check check-data check-unit check-static \
	check-fuzz check-bindings check-vm bench demo clean

all: module libs tools benches
module: $(MODULES)
libs: $(LIBS)
tools: $(TOOLS)
benches: $(BENCH_BINS)

deps:
	@$(TOP)/scripts/install-deps.sh

# Host objects: one rule for every C file of the libraries and tools.
$(O)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(shell find $(O) -name '*.d' 2>/dev/null)

check-unit: $(UNIT_TESTS)
	@$(TOP)/tests/run-unit.sh $(UNIT_TESTS)

check-fuzz: $(FUZZ_RUNS)
check-data: $(DATA_STEPS)
# Every static check runs, even after one has failed, and counts as one
# test: "PASSED FAILED" goes to $SMTJ_COUNTS/static (scripts/check.sh).
check-static:
	@p=0; f=0; failed=; \
	for c in $(STATIC_CHECKS); do \
		if $(MAKE) -s --no-print-directory $$c; then p=$$((p + 1)); \
		else f=$$((f + 1)); failed="$$failed $$c"; fi; \
	done; \
	if [ -n "$$SMTJ_COUNTS" ]; then echo "$$p $$f" >"$$SMTJ_COUNTS/static"; fi; \
	[ $$f -eq 0 ] || { echo "check-static: failed:$$failed" >&2; exit 1; }
check-bindings: $(BINDING_CHECKS)
check-vm: $(VM_CHECKS)
demo: $(DEMO_STEPS)

check:
	@$(TOP)/scripts/check.sh

bench: $(BENCH_STEPS)

clean:
	rm -rf $(BUILD)
