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
#   make figures      the paper's Figs. 2-5 (make fig2 ... fig5, figN-full)
#
# Area makefiles (the *.mk fragments of common/, kernel/, lib/, utils/, tests/,
# bench/, dt-bindings/ and demo/: MK_FRAGMENTS below) append to the lists
# below; this file only ties them together.

.DEFAULT_GOAL := all
SHELL := /bin/bash

TOP   := $(abspath .)
# The one version of the release: sonames, pkg-config files, dkms.conf and
# debian/changelog follow it (packaging/version-check tests the others).
VERSION := $(shell cat $(TOP)/VERSION)
VERSION_MAJOR := $(firstword $(subst ., ,$(VERSION)))
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

# Where `make install` puts things (packaging/install.mk); the pkg-config
# files name these directories.
PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
LIBDIR     ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR     ?= $(PREFIX)/share/man
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig

# The tools link libsmtj and libdanp statically, so that they run from the
# build tree; TOOLS_LINK=shared (the Debian packages) links them against
# the shared libraries.  Expanded late: lib/*/*.mk set the names.
TOOLS_LINK ?= static
TOOL_LIBSMTJ = $(if $(filter shared,$(TOOLS_LINK)),$(LIBSMTJ_SO),$(LIBSMTJ_A))
TOOL_LIBDANP = $(if $(filter shared,$(TOOLS_LINK)),$(LIBDANP_SO),$(LIBDANP_A))

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

# $(eval $(call library_rules,name,NAME)): the rules of libname from the
# variables its fragment sets (NAME_OBJS, NAME_LDLIBS, LIBNAME_A,
# LIBNAME_SO, LIBNAME_PC, LIBNAME_DESC): the archive, the version script
# LIBNAME_MAP made from lib/include/libname.h, the shared library, and the
# pkg-config file, remade when lib/name/name.mk or VERSION changes.
define library_rules
LIB$(2)_MAP := $$(O)/lib/lib$(1).map

$$(LIB$(2)_A): $$($(2)_OBJS)
	@mkdir -p $$(dir $$@)
	rm -f $$@
	$$(AR) rcs $$@ $$^

$$(LIB$(2)_MAP): lib/include/lib$(1).h
	$$(call shlib_map,LIB$(2)_$$(VERSION_MAJOR),$(1),$$<)

$$(LIB$(2)_SO): $$($(2)_OBJS) $$(LIB$(2)_MAP)
	$$(call shlib_link,$$($(2)_OBJS),$$(LIB$(2)_MAP),$$($(2)_LDLIBS))

$$(LIB$(2)_PC): lib/$(1)/$(1).mk $$(TOP)/VERSION
	$$(call pc_file,$$@,lib$(1),$$(LIB$(2)_DESC),$$($(2)_LDLIBS))
endef

# Every area's fragment, wherever it sits (up to three levels deep);
# common/'s first, because the others name its objects.
MK_FRAGMENTS := $(wildcard common/*.mk) $(sort $(wildcard kernel/*.mk lib/*/*.mk utils/*/*.mk \
	tests/*/*.mk tests/*/*/*.mk bench/*.mk bench/*/*.mk dt-bindings/*.mk \
	demo/*.mk figures/*.mk packaging/*.mk python/*.mk))
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

# Shared libraries (lib/*/*.mk): the file libNAME.so.$(VERSION), its soname
# libNAME.so.$(VERSION_MAJOR) and the link libNAME.so, each exporting
# exactly the functions that its public header declares (a version script
# with one node, made from the header; debian/*.symbols pins the list).
# $(call shlib_map,NODE,PREFIX,HEADER): recipe writing the script to $@.
define shlib_map
	@mkdir -p $(dir $@)
	{ echo '$(1) {'; echo ' global:'; \
	  sed -n 's/^[a-z].*[ *]\($(2)_[a-z0-9_]*\)(.*/  \1;/p' $(3); \
	  echo ' local: *;'; echo '};'; } >$@
endef
# $(call pc_file,FILE,NAME,DESCRIPTION,LIBS.PRIVATE): a pkg-config file
# for the installation directories above.
define pc_file
	@mkdir -p $(dir $(1))
	@printf '%s\n' 'prefix=$(PREFIX)' \
	  'libdir=$(patsubst $(PREFIX)/%,$${prefix}/%,$(LIBDIR))' \
	  'includedir=$(patsubst $(PREFIX)/%,$${prefix}/%,$(INCLUDEDIR))' '' \
	  'Name: $(2)' 'Description: $(3)' 'Version: $(VERSION)' \
	  'Libs: -L$${libdir} -l$(2:lib%=%)' 'Libs.private: $(4)' \
	  'Cflags: -I$${includedir}' >$(1)
endef
# $(call shlib_link,OBJS,MAP,LDLIBS): recipe linking $@ (libNAME.so) and
# its two versioned names.
define shlib_link
	@mkdir -p $(dir $@)
	$(CC) -shared -Wl,-soname,$(notdir $@).$(VERSION_MAJOR) \
		-Wl,--version-script=$(2) $(LDFLAGS) \
		-o $@.$(VERSION) $(1) $(3)
	ln -sf $(notdir $@).$(VERSION) $@.$(VERSION_MAJOR)
	ln -sf $(notdir $@).$(VERSION_MAJOR) $@
endef

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
