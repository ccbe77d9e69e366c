# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VM stage: an initramfs with busybox, smtj.ko and the selftests, booted
# with Debian's kernel $(KVER) in QEMU; tests/vm/run.sh judges the run.
#
#   make check-vm                 build what is needed, boot, judge
#   make vm-initramfs             only build the initramfs
#   make check-vm VM_ACCEL=tcg    force an accelerator (default: auto)
#   make check-vm VM_TESTS=FILE   another list of programs (tests.list format)
#
# Architecture-specific settings live in tests/vm/arch.make.  kernel/kernel.mk
# (read after this file) defines SMTJ_KO and MODULES, hence the second
# expansion of the prerequisites.  Several engineers share one build tree:
# building the initramfs and booting it happen under one lock per kernel, so
# concurrent runs take turns instead of overwriting each other's image and
# logs.

include $(TOP)/tests/vm/arch.make

VM_DIR     := $(BUILD)/vm/$(VM_ARCH)
VM_RUN     := $(VM_DIR)/run-$(KVER)
VM_INITRD  := $(VM_DIR)/initramfs-$(KVER).cpio.gz
# Where arch.make sets no 32-bit build (VM_CC32FLAGS) the 32-bit ABI test
# would only skip, and a skip counts as a failure: the list leaves it out.
ifneq ($(VM_CC32FLAGS),)
VM_TESTS   ?= $(TOP)/tests/vm/tests.list
else
VM_TESTS   ?= $(VM_DIR)/tests-no32.list
$(VM_DIR)/tests-no32.list: $(TOP)/tests/vm/tests.list
	@mkdir -p $(dir $@)
	@grep -v '^smtj_compat32_test[[:space:]]' $< >$@.tmp && mv $@.tmp $@
endif
VM_ACCEL   ?= auto
VM_TIMEOUT ?= 300
# Modules besides smtj.ko that tests.list may load ("@ name.ko args"): the
# test ADC of tests/kmod/ when its fragment defines it.
VM_EXTRA_KOS ?= $(SMTJ_TEST_ADC_KO)
# Test programs built elsewhere that tests.list may name (besides the
# selftests): libsmtj's VM test.
VM_PROGRAMS ?= $(SMTJ_VM_TEST)

# Name of the counts file in $SMTJ_COUNTS (check.sh adds vm and vm-*).
VM_NAME    ?= vm

.PHONY: check-vm-run vm-initramfs check-vm-matrix
VM_CHECKS += check-vm-run check-vm-matrix

# The rest of the kernel matrix, after the default kernel's run: Debian's
# kernels that scripts/fetch-kernels.sh unpacks under $(KERNELS)/
# (downloaded on first use), each booted with its own modules tree.
# VM_MATRIX= skips it.
VM_MATRIX ?= amd64-6.12 arm64-6.1 arm64-6.12
check-vm-matrix:
	@$(if $(strip $(VM_MATRIX)),,exit 0;) \
	$(TOP)/scripts/fetch-kernels.sh $(VM_MATRIX) \
		$(if $(filter arm64-%,$(VM_MATRIX)),arm64-user) >/dev/null || exit 1; \
	rc=0; for t in $(VM_MATRIX); do \
		. $(KERNELS)/$$t/env; \
		cross=; [ $$KARCH = arm64 ] && cross="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"; \
		$(MAKE) -s --no-print-directory check-vm-run KVER=$$KVER KDIR=$$KDIR \
			KARCH=$$KARCH $$cross VM_KERNEL=$$VMLINUZ VM_MODDIR=$$MODDIR \
			VM_NAME=vm-$$t 2>&1 | grep -v 'Skipping BTF\|^make\[' ; \
		st=$${PIPESTATUS[0]}; \
		[ $$st -eq 0 ] || { echo "vm: $$t: FAILED (make exit $$st)"; rc=1; }; \
	done; exit $$rc

# What mkinitramfs.sh needs, and run.sh (which builds the image first).
VM_ENV = VM_BUSYBOX='$(VM_BUSYBOX)' SMTJ_KO='$(SMTJ_KO)' \
	VM_MODDIR='$(VM_MODDIR)' SELFTEST_DIR='$(SELFTEST_DIR)' \
	VM_TESTS='$(VM_TESTS)' VM_INIT='$(TOP)/tests/vm/init' VM_STRIP='$(VM_STRIP)' \
	VM_EXTRA_KOS='$(VM_EXTRA_KOS)' VM_PROGRAMS='$(VM_PROGRAMS)' \
	VM_EARLY_MODS='$(VM_EARLY_MODS)' \
	VM_QEMU='$(VM_QEMU)' VM_MACHINE='$(VM_MACHINE)' VM_SERIAL='$(VM_SERIAL)' \
	VM_KERNEL='$(VM_KERNEL)' VM_DTB='$(VM_DTB)' VM_INITRD='$(VM_INITRD)' \
	VM_CONSOLE='$(VM_CONSOLE)' VM_TAPDEV='$(VM_TAPDEV)' VM_OUT='$(VM_RUN)' \
	VM_ARCH_APPEND='$(VM_ARCH_APPEND)' \
	VM_ACCEL='$(VM_ACCEL)' VM_TIMEOUT='$(VM_TIMEOUT)' \
	VM_KVM_CPUFLAGS='$(VM_KVM_CPUFLAGS)' VM_NAME='$(VM_NAME)'
# One run at a time per kernel (image and run directory are per kernel).
VM_LOCKFILE = $(VM_DIR)/.lock-$(KVER)
VM_LOCK = mkdir -p '$(VM_DIR)' && \
	{ flock -n '$(VM_LOCKFILE)' true || echo "vm: waiting for another run of $(KVER) to end"; } && \
	flock -w 1800 '$(VM_LOCKFILE)'

# The device tree of machines that need one (arm64: QEMU's own, dumped with
# the boot's CPU and memory, plus the test ADC, the smtj nodes and the
# malformed smtj nodes that smtj.ko must refuse).
VM_DTSI = $(TOP)/tests/kmod/virt-smtj.dtsi $(TOP)/tests/kmod/virt-smtj-malformed.dtsi
ifneq ($(VM_DTB),)
$(VM_DTB): $(TOP)/tests/kmod/virt-dtb.sh $(VM_DTSI) $(TOP)/tests/vm/arch.make
	@mkdir -p $(dir $@)
	@$(TOP)/tests/kmod/virt-dtb.sh $@.tmp $(VM_DTSI) $(VM_DTB_QEMU) && mv $@.tmp $@
endif

.SECONDEXPANSION:
vm-initramfs check-vm-run: $$(MODULES) $$(SELFTESTS) $$(VM_PROGRAMS) $(VM_DTB) $(TOP)/tests/vm/init \
		$(TOP)/tests/vm/mkinitramfs.sh $(TOP)/tests/vm/run.sh $(VM_TESTS)
	@test -n "$(SMTJ_KO)" || { echo "vm: SMTJ_KO is not defined (kernel/kernel.mk)" >&2; exit 1; }
	@$(VM_LOCK) env $(VM_ENV) $(if $(filter vm-initramfs,$@),$(TOP)/tests/vm/mkinitramfs.sh '$(VM_INITRD)',VM_BUILD_INITRD=1 $(TOP)/tests/vm/run.sh)
