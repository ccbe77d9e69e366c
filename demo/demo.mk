# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo: DANP training driven by sMTJ noise read from /dev/smtj0, in the
# project's test VM with the simulated backend (no hardware needed).  The
# initramfs is the test VM's (tests/vm/mkinitramfs.sh, with demo/init as
# /init) followed by a second cpio archive carrying the statically linked
# trainer, smtjctl and MNIST; the kernel unpacks both.  The result is judged
# like a selftest by tests/vm/run.sh.
#
#   make demo DEMO_ARCH=196-64-10 DEMO_DOWNSAMPLE=2 DEMO_LIMIT=30000 DEMO_LR=2e-3
#
# The defaults keep the run to minutes under TCG: most of a step's cost is
# the input decorrelation (d^2 per image, whatever the hidden size), so the
# images are averaged down to 14x14 (d = 196: a step about 9x cheaper than
# at 784, measured on the host) and the network is small.  Measured in the
# VM (TCG, host load 15-19): 60000 images at lr 1e-3 reached 84.1 % but
# trained for 485 s; 30000 at lr 2e-3 reached 82.6 % after 108 s of
# training (VM 291 s in all, load 19-20).  Adam's rate is raised from the reference's 4.8828e-5 (tuned
# for five epochs of the 784-500-500-500-10 network) so one pass learns.
# demo/show.sh streams the guest's progress lines and draws the curve.

DEMO_DIR      := $(BUILD)/demo
DEMO_RUN      := $(DEMO_DIR)/run
DEMO_INITRD   := $(DEMO_DIR)/initramfs.cpio.gz
DEMO_ARCH     ?= 196-64-10
DEMO_DOWNSAMPLE ?= 2
DEMO_EPOCHS   ?= 1
DEMO_LIMIT    ?= 30000
DEMO_LR       ?= 2e-3
DEMO_MIN_ACC  ?= 0.70
# Seconds between the guest's progress lines.
DEMO_TICK     ?= 5
DEMO_SEED     ?= 42
# The VM has two vCPUs (QEMU runs them on two host threads): libdanp's
# step is split over both.
DEMO_THREADS  ?= 2
DEMO_TIMEOUT  ?= 1800
# x86: qemu64 claims an AMD CPU without 3DNow!, and OpenBLAS then picks
# kernels that use it (femms): a named Intel model that TCG emulates whole
# ("max" with two CPUs is known to stall some hosts under TCG).
DEMO_CPU      ?= $(if $(filter x86_64,$(VM_ARCH)),-cpu Westmere,-cpu max)
SMTJCTL_STATIC := $(O)/utils/smtjctl/smtjctl-static

DEMO_STEPS += demo-run
.PHONY: demo-run demo-initramfs
demo-initramfs: $(DEMO_INITRD)

# Fragments are read in name order, before lib/: expand library names late.
.SECONDEXPANSION:
$(SMTJCTL_STATIC): $$(SMTJCTL_OBJS) $$(LIBSMTJ_A)
	$(CC) -static -o $@ $^ -luring -lfftw3 -lm -lpthread

.PHONY: $(DEMO_INITRD)
$(DEMO_INITRD): $$(MODULES) $$(SMTJ_TRAIN_STATIC) $(SMTJCTL_STATIC) \
		$(TOP)/demo/init $(TOP)/demo/mkdemo.sh data-mnist
	@mkdir -p $(DEMO_DIR)
	@printf '# the demo runs no selftest\n' >$(DEMO_DIR)/empty.list
	@VM_BUSYBOX=$(VM_BUSYBOX) SMTJ_KO=$(SMTJ_KO) VM_MODDIR=$(VM_MODDIR) \
		SELFTEST_DIR=$(DEMO_DIR) VM_TESTS=$(DEMO_DIR)/empty.list \
		VM_INIT=$(TOP)/demo/init \
		$(TOP)/tests/vm/mkinitramfs.sh $(DEMO_DIR)/base.cpio.gz $(DEMO_DIR)/root
	@$(TOP)/demo/mkdemo.sh $@ $(DEMO_DIR)/base.cpio.gz $(DEMO_DIR)/extra \
		$(SMTJ_TRAIN_STATIC) $(SMTJCTL_STATIC) $(TOP)/data/mnist

demo-run: $(DEMO_INITRD)
	@echo "demo: booting $(VM_KERNEL) (TCG where KVM does not work: minutes)"
	@$(TOP)/demo/show.sh $(DEMO_RUN) -- env \
		VM_QEMU='$(VM_QEMU)' VM_MACHINE='$(VM_MACHINE) $(DEMO_CPU)' \
		VM_SERIAL='-serial file:$(DEMO_RUN)/console.log -serial file:$(DEMO_RUN)/tap.log' \
		VM_KERNEL='$(VM_KERNEL)' VM_DTB='$(VM_DTB)' VM_INITRD='$(DEMO_INITRD)' \
		VM_CONSOLE='$(VM_CONSOLE)' VM_TAPDEV='$(VM_TAPDEV)' VM_OUT='$(DEMO_RUN)' \
		VM_ACCEL='$(VM_ACCEL)' VM_TIMEOUT='$(DEMO_TIMEOUT)' VM_MEM=1024 \
		VM_KVM_CPUFLAGS='$(VM_KVM_CPUFLAGS)' VM_NAME=demo \
		VM_APPEND='demo_arch=$(DEMO_ARCH) demo_epochs=$(DEMO_EPOCHS) demo_min_acc=$(DEMO_MIN_ACC) demo_seed=$(DEMO_SEED) demo_limit=$(DEMO_LIMIT) demo_lr=$(DEMO_LR) demo_threads=$(DEMO_THREADS) demo_downsample=$(DEMO_DOWNSAMPLE) demo_tick=$(DEMO_TICK)' \
		$(TOP)/tests/vm/run.sh
