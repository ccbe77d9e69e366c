# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VM stage: an initramfs with busybox, smtj.ko and the selftests, booted
# with Debian's kernel $(KVER) in QEMU; tests/vm/run.sh judges the run.
#
#   make check-vm                 build what is needed, boot, judge
#   make vm-initramfs             only build the initramfs
#   make check-vm VM_ACCEL=tcg    force an accelerator (default: auto)
#
# Architecture-specific settings live in tests/vm/arch.make.  kernel/kernel.mk
# (read after this file) defines SMTJ_KO and MODULES, hence the second
# expansion of the prerequisites.

include $(TOP)/tests/vm/arch.make

VM_DIR     := $(BUILD)/vm/$(VM_ARCH)
VM_RUN     := $(VM_DIR)/run-$(KVER)
VM_INITRD  := $(VM_DIR)/initramfs-$(KVER).cpio.gz
VM_TESTS   ?= $(TOP)/tests/vm/tests.list
VM_ACCEL   ?= auto
VM_TIMEOUT ?= 180

.PHONY: check-vm-run vm-initramfs
VM_CHECKS += check-vm-run
vm-initramfs: $(VM_INITRD)

.SECONDEXPANSION:
# Always rebuilt (cheap): MODULES may be a phony target.
.PHONY: $(VM_INITRD)
$(VM_INITRD): $$(MODULES) $$(SELFTESTS) $(TOP)/tests/vm/init \
		$(TOP)/tests/vm/mkinitramfs.sh $(VM_TESTS)
	@test -n "$(SMTJ_KO)" || { echo "vm: SMTJ_KO is not defined (kernel/kernel.mk)" >&2; exit 1; }
	@VM_BUSYBOX=$(VM_BUSYBOX) SMTJ_KO=$(SMTJ_KO) VM_MODDIR=$(VM_MODDIR) \
		SELFTEST_DIR=$(SELFTEST_DIR) VM_TESTS=$(VM_TESTS) \
		VM_INIT=$(TOP)/tests/vm/init \
		$(TOP)/tests/vm/mkinitramfs.sh $@ $(VM_DIR)/root

check-vm-run: $(VM_INITRD)
	@VM_QEMU='$(VM_QEMU)' VM_MACHINE='$(VM_MACHINE)' VM_SERIAL='$(VM_SERIAL)' \
		VM_KERNEL='$(VM_KERNEL)' VM_DTB='$(VM_DTB)' VM_INITRD='$(VM_INITRD)' \
		VM_CONSOLE='$(VM_CONSOLE)' VM_TAPDEV='$(VM_TAPDEV)' VM_OUT='$(VM_RUN)' \
		VM_ACCEL='$(VM_ACCEL)' VM_TIMEOUT='$(VM_TIMEOUT)' \
		VM_KVM_CPUFLAGS='$(VM_KVM_CPUFLAGS)' VM_NAME=vm \
		$(TOP)/tests/vm/run.sh
