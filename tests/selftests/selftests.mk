# SPDX-License-Identifier: GPL-2.0-or-later
#
# kselftest-harness programs that run inside the test VM (tests/vm/), built
# statically for VM_ARCH.  Each tests/selftests/smtj_*_test.c is one program;
# the cores of common/ (junction model, generator, health tests, extractor)
# are linked into every one so that a test can compare the device's stream
# and its hwrng output with what the same code gives in userspace.

include $(TOP)/tests/vm/arch.make

SELFTEST_SRC_DIR := $(TOP)/tests/selftests
SELFTEST_DIR     := $(BUILD)/vm/$(VM_ARCH)/selftests
SELFTEST_KSRC    := $(BUILD)/ksrc
SELFTEST_NAMES   := $(patsubst $(SELFTEST_SRC_DIR)/%.c,%,$(wildcard $(SELFTEST_SRC_DIR)/smtj_*_test.c))
SELFTESTS        := $(addprefix $(SELFTEST_DIR)/,$(SELFTEST_NAMES)) \
	$(SELFTEST_DIR)/smtj_compat32_test

SELFTEST_CFLAGS := -std=gnu11 -D_GNU_SOURCE -O2 -g -Wall -Wextra -Werror -pthread \
	-I$(SELFTEST_KSRC)/tools/testing/selftests -I$(TOP)/include/uapi \
	-I$(TOP)/common -I$(SELFTEST_SRC_DIR) $(VM_CFLAGS)
SELFTEST_LDLIBS := $(VM_LIBDIR)/liburing.a -lm
SELFTEST_COMMON := $(addprefix $(TOP)/common/,smtj_model.c smtj_xoshiro.c \
	smtj_health.c smtj_extract.c smtj_entropy_online.c smtj_sha256_host.c)
SELFTEST_COMMON_DEPS := $(wildcard $(TOP)/common/*.[ch])

.PHONY: selftests
selftests: $(SELFTESTS)

$(SELFTEST_DIR)/.ksrc: $(TOP)/scripts/ksrc.sh
	@mkdir -p $(dir $@)
	@$(TOP)/scripts/ksrc.sh $(SELFTEST_KSRC)
	@touch $@

$(SELFTEST_DIR)/%: $(SELFTEST_SRC_DIR)/%.c $(SELFTEST_SRC_DIR)/smtj_test.h \
		$(SELFTEST_COMMON_DEPS) \
		$(TOP)/include/uapi/linux/smtj.h | $(SELFTEST_DIR)/.ksrc
	@mkdir -p $(dir $@)
	$(VM_CC) $(SELFTEST_CFLAGS) -static -o $@.tmp.$$$$ $< $(SELFTEST_COMMON) $(SELFTEST_LDLIBS) && mv $@.tmp.$$$$ $@

# The 32-bit ABI test: built with VM_CC32FLAGS (arch.make: -m32 on x86_64)
# where the VM's architecture has a 32-bit ABI this host can compile for,
# else natively (it then skips).  Debian's gcc-multilib, which provides the
# <asm/...> directory for -m32, conflicts with the arm64 cross compiler:
# with only gcc-12-multilib installed, point <asm/> at the x86 headers
# (the same for i386 and x86_64) from a directory of the build tree.
SELFTEST_ASM32 := $(SELFTEST_DIR)/asm32
$(SELFTEST_ASM32)/asm:
	@mkdir -p $(dir $@)
	@ln -sfn /usr/include/x86_64-linux-gnu/asm $@

$(SELFTEST_DIR)/smtj_compat32_test: $(SELFTEST_SRC_DIR)/compat32/smtj_compat32_test.c \
		$(SELFTEST_SRC_DIR)/smtj_test.h \
		$(SELFTEST_COMMON_DEPS) \
		$(TOP)/include/uapi/linux/smtj.h | $(SELFTEST_DIR)/.ksrc \
		$(if $(VM_CC32FLAGS),$(SELFTEST_ASM32)/asm)
	@mkdir -p $(dir $@)
	$(VM_CC) $(filter-out $(VM_CFLAGS),$(SELFTEST_CFLAGS)) $(VM_CFLAGS32) \
		$(VM_CC32FLAGS) $(if $(VM_CC32FLAGS),-idirafter $(SELFTEST_ASM32)) \
		-static -o $@.tmp.$$$$ $< $(SELFTEST_COMMON) -lm && mv $@.tmp.$$$$ $@
