# SPDX-License-Identifier: GPL-2.0-or-later
#
# Everything architecture-specific about the VM stage, in one place:
# QEMU binary and machine, console and TAP serial devices, the kernel image
# (and DTB where the machine needs one), the compiler and the static libraries
# for the selftests.  Included by tests/selftests/selftests.mk and
# tests/vm/vm.mk; every value can be overridden on the make command line.
#
# To add an architecture, add a block below.

ifndef SMTJ_VM_ARCH_INCLUDED
SMTJ_VM_ARCH_INCLUDED := 1

VM_ARCH ?= $(KARCH)

ifeq ($(VM_ARCH),x86_64)
VM_QEMU     ?= qemu-system-x86_64
VM_MACHINE  ?=
VM_CONSOLE  ?= ttyS0
# The IO-APIC timer check wants timer ticks within a few ms of emulated
# time; on a host at load 9 TCG missed it and the stock kernel panicked
# ("IO-APIC + timer doesn't work!") before /init.  What is tested here
# is the module, not the emulated board's interrupt routing.
VM_ARCH_APPEND ?= no_timer_check
VM_TAPDEV   ?= ttyS1
# QEMU arguments that create the console and the TAP port; VM_RUN is the
# run directory (tests/vm/vm.mk).
VM_SERIAL   ?= -serial file:$(VM_RUN)/console.log -serial file:$(VM_RUN)/tap.log
VM_CROSS    ?=
VM_LIBDIR   ?= /usr/lib/x86_64-linux-gnu
VM_BUSYBOX  ?= /bin/busybox
VM_KERNEL   ?= /boot/vmlinuz-$(KVER)
VM_DTB      ?=
VM_MODDIR   ?= /lib/modules/$(KVER)
# CPU flags that make KVM worth probing (run.sh still probes it).
VM_KVM_CPUFLAGS ?= vmx|svm
# Debian's kernel has IA32_EMULATION: a -m32 program runs in the VM.
VM_CC32FLAGS ?= -m32
VM_CFLAGS32 ?=
else ifeq ($(VM_ARCH),arm64)
# Debian's arm64 kernel, busybox and static libraries, unpacked by
# scripts/fetch-kernels.sh under $(KERNELS)/; KDIR (the env file's) is
# the headers inside that tree.  QEMU's virt machine has one PL011: the
# console is ttyAMA0 and TAP goes to a virtio console, /dev/hvc0, whose
# modules /init loads first (VM_EARLY_MODS).  The device tree is QEMU's own
# plus tests/kmod/virt-smtj.dtsi and virt-smtj-malformed.dtsi (the test
# ADC, the smtj nodes and those smtj.ko must refuse; vm.mk), dumped
# with the machine, CPU, memory and CPU count of the boot (run.sh's VM_MEM
# and VM_SMP defaults).
VM_KROOT    ?= $(patsubst %/usr/src/linux-headers-$(KVER),%,$(KDIR))
VM_USER     ?= $(KERNELS)/arm64-user/root
VM_QEMU     ?= qemu-system-aarch64
VM_MACHINE  ?= -M virt -cpu cortex-a72
VM_CONSOLE  ?= ttyAMA0
VM_TAPDEV   ?= hvc0
VM_SERIAL   ?= -serial file:$(VM_RUN)/console.log -device virtio-serial-device \
	-chardev file,id=tap,path=$(VM_RUN)/tap.log -device virtconsole,chardev=tap
VM_EARLY_MODS ?= virtio_mmio virtio_console
VM_CROSS    ?= aarch64-linux-gnu-
VM_CFLAGS   ?= -I$(VM_USER)/usr/include
VM_LIBDIR   ?= $(VM_USER)/usr/lib/aarch64-linux-gnu
VM_BUSYBOX  ?= $(VM_USER)/bin/busybox
VM_KERNEL   ?= $(VM_KROOT)/boot/vmlinuz-$(KVER)
VM_DTB      ?= $(BUILD)/vm/arm64/virt-smtj-$(KVER).dtb
VM_DTB_QEMU ?= -cpu cortex-a72 -m 512 -smp 2
VM_MODDIR   ?= $(VM_KROOT)/lib/modules/$(KVER)
# no KVM for arm64 guests on this x86_64 host
VM_KVM_CPUFLAGS ?= no-kvm-here
else
$(error tests/vm/arch.make: no VM settings for VM_ARCH=$(VM_ARCH))
endif

VM_CFLAGS ?=
# How to build the 32-bit ABI test (tests/selftests/compat32/); empty: no
# 32-bit build for this architecture, the test then skips.  VM_CFLAGS32
# replaces VM_CFLAGS for it.
VM_CC32FLAGS ?=
VM_CFLAGS32 ?= $(VM_CFLAGS)
VM_EARLY_MODS ?=
VM_CC ?= $(VM_CROSS)gcc
VM_STRIP ?= $(VM_CROSS)strip

endif
