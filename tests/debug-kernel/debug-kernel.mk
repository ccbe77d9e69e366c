# SPDX-License-Identifier: GPL-2.0-or-later
#
# The VM selftests under a debug kernel: Debian's linux-source-6.1 built with
# KASAN, lockdep, KFENCE, DEBUG_ATOMIC_SLEEP, kmemleak, debugobjects and UBSAN
# (tests/debug-kernel/debug.config), cached under $(SMTJ_CACHE)/debug-kernel/
# by build.sh.  Not part of `make check`: the first build takes a while.
#
#   make check-debug-kernel      build or reuse the kernel, build smtj.ko and
#                                the test ADC against it, run tests/vm's
#                                selftests under it, judge as check-vm does
#   make debug-kernel            only build (or find) the kernel
#
# The run is tests/vm/vm.mk's check-vm-run with the debug kernel's KDIR,
# KVER and image, as check-vm-matrix does for Debian's other kernels.  All
# smtj needs is built in, so the initramfs holds no module of this kernel.
# QEMU without KVM runs this kernel several times slower than Debian's: the
# timeouts of the boot, of each program and of each harness test are raised
# (DEBUG_KERNEL_VM_TIMEOUT, DEBUG_KERNEL_PROG_TIMEOUT,
# DEBUG_KERNEL_TIMEOUT_SCALE), and the VM gets more memory for KASAN's
# shadow and lockdep's tables.  The kernel has no ACPI, hence no power-off:
# /init reboots (smtj_reboot=1).  kasan_multi_shot: every report, not just
# the first.  no_timer_check: on a loaded host, TCG can be too slow for the
# boot's IO-APIC timer check, which then panics ("IO-APIC + timer doesn't
# work!", seen with Debian's kernel at a load of 24).

DEBUG_KERNEL_BUILD := $(TOP)/tests/debug-kernel/build.sh
DEBUG_KERNEL_VM_TIMEOUT ?= 5400
DEBUG_KERNEL_PROG_TIMEOUT ?= 1200
DEBUG_KERNEL_TIMEOUT_SCALE ?= 10
DEBUG_KERNEL_MEM ?= 1536

.PHONY: debug-kernel check-debug-kernel

debug-kernel:
	@$(DEBUG_KERNEL_BUILD) >/dev/null

check-debug-kernel:
	@env=$$($(DEBUG_KERNEL_BUILD)) || exit 1; \
	. "$$env"; \
	echo "debug-kernel: $$KVER (build $$BUILD_SECONDS s, cached in $$(dirname "$$env"))"; \
	start=$$(date +%s); \
	VM_MEM=$(DEBUG_KERNEL_MEM) \
	VM_APPEND="kasan_multi_shot no_timer_check smtj_reboot=1 smtj_prog_timeout=$(DEBUG_KERNEL_PROG_TIMEOUT) smtj_timeout_scale=$(DEBUG_KERNEL_TIMEOUT_SCALE)" \
	$(MAKE) -s --no-print-directory check-vm-run KVER=$$KVER KDIR=$$KDIR \
		KARCH=$$KARCH VM_KERNEL=$$VMLINUZ VM_MODDIR=$$MODDIR \
		VM_TIMEOUT=$(DEBUG_KERNEL_VM_TIMEOUT) VM_NAME=vm-debug-kernel; \
	st=$$?; \
	echo "debug-kernel: modules and VM run took $$(($$(date +%s) - start)) s"; \
	exit $$st
