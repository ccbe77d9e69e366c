# SPDX-License-Identifier: GPL-2.0-or-later
#
# Everything architecture-specific about the VM stage, in one place:
# QEMU binary and machine, console and TAP serial devices, the kernel image
# (and DTB where the machine needs one), the compiler and the static libraries
# for the selftests.  Included by tests/selftests/selftests.mk and
# tests/vm/vm.mk; every value can be overridden on the make command line.
#
# To add an architecture, add a block below.  arm64 (see NOTES.md):
#   VM_QEMU := qemu-system-aarch64, VM_MACHINE := -M virt -cpu cortex-a72,
#   VM_CONSOLE := ttyAMA0, VM_CROSS := aarch64-linux-gnu-,
#   VM_DTB := the dumped and extended virt DTB, VM_LIBDIR and VM_BUSYBOX from
#   the unpacked arm64 packages.  QEMU 7.2's virt machine has one PL011 only:
#   TAP then needs a second port (e.g. VM_TAP_QEMU with virtconsole/hvc0 and
#   its module) -- run.sh takes the TAP device and its QEMU arguments from
#   here.

ifndef SMTJ_VM_ARCH_INCLUDED
SMTJ_VM_ARCH_INCLUDED := 1

VM_ARCH ?= $(KARCH)

ifeq ($(VM_ARCH),x86_64)
VM_QEMU     ?= qemu-system-x86_64
VM_MACHINE  ?=
VM_CONSOLE  ?= ttyS0
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
else
$(error tests/vm/arch.make: no VM settings for VM_ARCH=$(VM_ARCH))
endif

VM_CC ?= $(VM_CROSS)gcc
VM_STRIP ?= $(VM_CROSS)strip

endif
