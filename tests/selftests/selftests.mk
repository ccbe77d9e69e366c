# SPDX-License-Identifier: GPL-2.0-or-later
#
# kselftest-harness programs that run inside the test VM (tests/vm/), built
# statically for VM_ARCH.  Each tests/selftests/smtj_*_test.c is one program;
# the junction model (kernel/smtj_model.c) is linked into every one so that a
# test can compare the device's stream with the library simulator's.

include $(TOP)/tests/vm/arch.make

SELFTEST_SRC_DIR := $(TOP)/tests/selftests
SELFTEST_DIR     := $(BUILD)/vm/$(VM_ARCH)/selftests
SELFTEST_KSRC    := $(BUILD)/ksrc
SELFTEST_NAMES   := $(patsubst $(SELFTEST_SRC_DIR)/%.c,%,$(wildcard $(SELFTEST_SRC_DIR)/smtj_*_test.c))
SELFTESTS        := $(addprefix $(SELFTEST_DIR)/,$(SELFTEST_NAMES))

SELFTEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -pthread \
	-I$(SELFTEST_KSRC)/tools/testing/selftests -I$(TOP)/include/uapi \
	-I$(TOP)/kernel -I$(SELFTEST_SRC_DIR) $(VM_CFLAGS)
SELFTEST_LDLIBS := $(VM_LIBDIR)/liburing.a -lm

.PHONY: selftests
selftests: $(SELFTESTS)

$(SELFTEST_DIR)/.ksrc: $(TOP)/scripts/ksrc.sh
	@mkdir -p $(dir $@)
	@$(TOP)/scripts/ksrc.sh $(SELFTEST_KSRC)
	@touch $@

$(SELFTEST_DIR)/%: $(SELFTEST_SRC_DIR)/%.c $(SELFTEST_SRC_DIR)/smtj_test.h \
		$(TOP)/kernel/smtj_model.c $(TOP)/kernel/smtj_model.h \
		$(TOP)/include/uapi/linux/smtj.h | $(SELFTEST_DIR)/.ksrc
	@mkdir -p $(dir $@)
	$(VM_CC) $(SELFTEST_CFLAGS) -static -o $@.tmp.$$$$ $< $(TOP)/kernel/smtj_model.c $(SELFTEST_LDLIBS) && mv $@.tmp.$$$$ $@
