# SPDX-License-Identifier: GPL-2.0-or-later
# libsmtj unit tests: one program per file, linked statically to libsmtj.

SMTJ_TEST_SRCS := $(wildcard tests/unit/smtj/test_*.c)
SMTJ_TESTS := $(patsubst tests/unit/smtj/%.c,$(O)/tests/unit/smtj/%,$(SMTJ_TEST_SRCS))
UNIT_TESTS += $(SMTJ_TESTS)

$(O)/tests/unit/smtj/%: $(O)/tests/unit/smtj/%.o $(LIBSMTJ_A)
	$(CC) -o $@ $^ $(SMTJ_LDLIBS) $(LDLIBS_EXTRA)

# test_transport includes ring.h, the ring protocol's header, which the
# library keeps beside its sources for it (nothing else private).
$(O)/tests/unit/smtj/test_transport.o: CPPFLAGS += -I$(TOP)/lib/smtj $(COMMON_CPPFLAGS)
$(O)/tests/unit/smtj/test_transport: LDLIBS_EXTRA := -lpthread

# libsmtj against smtj.ko, for the VM stage: a static program built like
# the selftests (VM_CC, the VM's static liburing and FFTW); listed in
# tests/vm/tests.list, tests/vm/vm.mk puts it into the initramfs.
SMTJ_VM_TEST := $(BUILD)/vm/$(VM_ARCH)/smtj/libsmtj_dev_test
.PHONY: smtj-vm-test
smtj-vm-test: $(SMTJ_VM_TEST)
$(SMTJ_VM_TEST): tests/unit/smtj/vm_libsmtj_test.c tests/unit/tap.h $(SMTJ_SRCS) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(VM_CC) $(CSTD) $(WARN) -O2 -g -static $(CPPFLAGS) $(VM_CFLAGS) $(COMMON_CPPFLAGS) -Ilib/smtj \
		-o $@ $< $(SMTJ_SRCS) $(VM_LIBDIR)/liburing.a $(VM_LIBDIR)/libfftw3.a -lm

# The tools' exit codes and outputs (a TAP script; needs the tools built).
SMTJ_TOOLS_TEST := $(O)/tests/unit/smtj/test_tools
UNIT_TESTS += $(SMTJ_TOOLS_TEST)
$(SMTJ_TOOLS_TEST): tests/unit/smtj/test_tools.sh tests/unit/tap.sh $(O)/utils/smtjctl/smtjctl \
		$(O)/utils/smtjcat/smtjcat $(O)/utils/smtjstat/smtjstat
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nSMTJ_TOOLS=%s exec %s "$$@"\n' $(O)/utils $(TOP)/$< >$@
	chmod +x $@
