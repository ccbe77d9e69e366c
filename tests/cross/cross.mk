# SPDX-License-Identifier: GPL-2.0-or-later
#
# make check-aarch64: all of userspace (libsmtj, libdanp, the tools and the
# host unit tests) cross-built for aarch64 with these same rules, the tests
# run under qemu-aarch64-static.  The cross stage of `make check`
# (CROSS_REQUIRED=1: a skip fails).  check-danp-aarch64 is its old name.
#
# Unit tests that are scripts around a tool are named apart: the script
# runs on the host and the tool under qemu.  Expanded when the recipe runs,
# after every fragment has added its tests.

CROSS_SCRIPT_TESTS = $(SMTJ_TRAIN_TEST) $(SMTJ_TASKS_TEST) $(SMTJ_TOOLS_TEST)
# HOST_ONLY_TESTS (sanitizer builds made with the host's clang) are not
# cross-built.
CROSS_UNIT_TESTS = $(patsubst $(O)/%,%,$(filter-out $(CROSS_SCRIPT_TESTS) \
	$(HOST_ONLY_TESTS),$(UNIT_TESTS)))

.PHONY: check-aarch64 check-danp-aarch64
check-aarch64:
	@$(TOP)/tests/cross/aarch64.sh $(BUILD) $(CROSS_UNIT_TESTS) \
		-- $(notdir $(CROSS_SCRIPT_TESTS))
check-danp-aarch64: check-aarch64
