# SPDX-License-Identifier: GPL-2.0-or-later
#
# make figures: the paper's Figs. 2 to 5, one target each, at a scale that
# fits this kind of machine (2 cores); figN-full runs the paper's scale.
# Each writes results/figN/ (results/figN-full/): the CSV files, figN.png
# (gnuplot), commands.sh (every command that made the data, in order;
# guest-commands.sh for the part run in the VM) and time.txt (wall time,
# budget and load).  results/ is build output, not committed: rerun the
# target to get it.  Documentation/learning/figures.rst has what each figure
# shows, its cost and the numbers measured.
#
#   make fig3 FIG3_EPOCHS=5            any FIGn_* variable of figures/figN.sh
#
# fig2, fig4 and fig5 boot the test VM (figures/run-vm.sh): an initramfs
# with the static tools and the guest jobs (figures/figN-guest.sh); its
# output comes back over a third serial port as a tar archive.
# Budgets (seconds; a target reports when it exceeds its budget):
FIG2_BUDGET ?= 600
FIG3_BUDGET ?= 900
FIG4_BUDGET ?= 900
FIG5_BUDGET ?= 600

FIG_DIR      := $(BUILD)/figures
FIG_INITRD   := $(FIG_DIR)/initramfs.cpio.gz
RESULTS      := $(TOP)/results
SMTJCAT_STATIC  := $(O)/utils/smtjcat/smtjcat-static
SMTJSTAT_STATIC := $(O)/utils/smtjstat/smtjstat-static
FIG_GUEST    := $(wildcard $(TOP)/figures/fig*-guest.sh)

.PHONY: figures fig2 fig3 fig4 fig5 fig2-full fig3-full fig4-full fig5-full \
	figures-initramfs
figures: fig2 fig3 fig4 fig5
figures-initramfs: $(FIG_INITRD)

.SECONDEXPANSION:
$(SMTJCAT_STATIC): $(O)/utils/smtjcat/smtjcat.o $$(LIBSMTJ_A)
	$(CC) -static -o $@ $^ -luring -lfftw3 -lm -lpthread
$(SMTJSTAT_STATIC): $(O)/utils/smtjstat/smtjstat.o $(O)/utils/smtjstat/entropy.o $$(LIBSMTJ_A)
	$(CC) -static -o $@ $^ -luring -lfftw3 -lm -lpthread

$(FIG_INITRD): $$(MODULES) $$(SMTJ_TRAIN_STATIC) $$(SMTJCTL_STATIC) $(SMTJCAT_STATIC) \
		$(SMTJSTAT_STATIC) $(TOP)/figures/vm-init $(TOP)/figures/mkimage.sh \
		$(TOP)/figures/lib.sh $(FIG_GUEST) $(TOP)/utils/smtj-sweep/smtj-sweep
	@mkdir -p $(FIG_DIR)
	@printf '# the figures run no selftest\n' >$(FIG_DIR)/empty.list
	@VM_BUSYBOX=$(VM_BUSYBOX) SMTJ_KO=$(SMTJ_KO) VM_MODDIR=$(VM_MODDIR) \
		SELFTEST_DIR=$(FIG_DIR) VM_TESTS=$(FIG_DIR)/empty.list \
		VM_INIT=$(TOP)/figures/vm-init \
		$(TOP)/tests/vm/mkinitramfs.sh $(FIG_DIR)/base.cpio.gz $(FIG_DIR)/root
	@$(TOP)/figures/mkimage.sh $@ $(FIG_DIR)/base.cpio.gz $(FIG_DIR)/extra \
		$(SMTJ_TRAIN_STATIC)=/usr/bin/smtj-train $(SMTJCTL_STATIC)=/usr/bin/smtjctl \
		$(SMTJCAT_STATIC)=/usr/bin/smtjcat $(SMTJSTAT_STATIC)=/usr/bin/smtjstat \
		$(TOP)/utils/smtj-sweep/smtj-sweep=/usr/bin/smtj-sweep \
		$(TOP)/figures/lib.sh=/fig/lib.sh \
		$(foreach g,$(FIG_GUEST),$(g)=/fig/$(patsubst %-guest.sh,%,$(notdir $(g))).sh)

# What the figure scripts need from make: the VM (as make demo boots it)
# and the host tools.
FIG_ENV = VM_QEMU='$(VM_QEMU)' VM_MACHINE='$(VM_MACHINE) $(DEMO_CPU)' \
	VM_KERNEL='$(VM_KERNEL)' VM_DTB='$(VM_DTB)' VM_CONSOLE='$(VM_CONSOLE)' \
	VM_TAPDEV='$(VM_TAPDEV)' VM_ACCEL='$(VM_ACCEL)' \
	VM_KVM_CPUFLAGS='$(VM_KVM_CPUFLAGS)' FIG_INITRD='$(FIG_INITRD)' \
	SMTJ_TRAIN='$(O)/utils/smtj-train/smtj-train' SMTJ_SWEEP='$(SMTJ_SWEEP)' \
	MNIST='$(TOP)/data/mnist'
FIG_HOST_DEPS = $(O)/utils/smtj-train/smtj-train $(SMTJ_SWEEP) data-mnist

fig2: $(FIG_INITRD) $(SMTJ_SWEEP)
	@$(FIG_ENV) FIG_BUDGET=$(FIG2_BUDGET) $(TOP)/figures/fig2.sh $(RESULTS)/fig2
fig3: $(FIG_HOST_DEPS)
	@$(FIG_ENV) FIG_BUDGET=$(FIG3_BUDGET) nice -n 10 $(TOP)/figures/fig3.sh $(RESULTS)/fig3
fig4: $(FIG_INITRD) $(FIG_HOST_DEPS)
	@$(FIG_ENV) FIG_BUDGET=$(FIG4_BUDGET) nice -n 10 $(TOP)/figures/fig4.sh $(RESULTS)/fig4
fig5: $(FIG_INITRD) $(SMTJ_SWEEP)
	@$(FIG_ENV) FIG_BUDGET=$(FIG5_BUDGET) $(TOP)/figures/fig5.sh $(RESULTS)/fig5

# The paper's scale (not run by make figures; estimates of their cost from
# the per-run cost measured here are in Documentation/learning/figures.rst).
# Fig. 2: 625 s at 40 kHz per field, 2.5*10^7 samples (the paper: 10^8):
# smtjstat keeps them and their FFT in the guest's memory, ~40 bytes each.
fig2-full: $(FIG_INITRD) $(SMTJ_SWEEP)
	@$(FIG_ENV) FIG_VM_MEM=3072 FIG_VM_TIMEOUT=36000 FIG2_N=25000000 FIG2_RATE=40000 \
		FIG2_LAGS=400 FIG_BUDGET=14400 $(TOP)/figures/fig2.sh $(RESULTS)/fig2-full
# Fig. 3: the full 28x28 input, more rates, 5 seeds and epochs.
fig3-full: $(FIG_HOST_DEPS)
	@$(FIG_ENV) FIG3_SEEDS=42..46 FIG3_EPOCHS=5 \
		FIG3_LR=1.25e-2,6.25e-3,3.125e-3,1.5625e-3,7.8125e-4,3.90625e-4,1.953125e-4,9.765625e-5,4.8828125e-5,2.44140625e-5,1.220703125e-5 \
		FIG3_SIGMA=1e-5,1e-4,1e-3,1e-2,1e-1,1,10 FIG3_ALPHA=1e-5,1e-4,1e-3,1.25e-2,1e-1,1,10 \
		FIG3_N=1,2,4,8,16,32,64 FIG3_P=0.05,0.1,0.2,0.3,0.4,0.5,0.6,0.7,0.8,0.9,0.95 \
		FIG_BUDGET=3600 nice -n 10 $(TOP)/figures/fig3.sh $(RESULTS)/fig3-full
# Fig. 4: the paper's 784-500-500-500-10 network, all of MNIST, 5 epochs,
# the reference's rates; a recording of 2^24 samples (32 MiB).
fig4-full: $(FIG_INITRD) $(FIG_HOST_DEPS)
	@$(FIG_ENV) FIG4_ARCH=784-500-500-500-10 FIG4_DOWNSAMPLE=1 FIG4_LR=4.8828e-5 \
		FIG4_REC=16777216 FIG_VM_TIMEOUT=7200 FIG_BUDGET=14400 \
		nice -n 10 $(TOP)/figures/fig4.sh $(RESULTS)/fig4-full
# Fig. 5: the paper's task is already at its scale; more seeds.
fig5-full: $(FIG_INITRD) $(SMTJ_SWEEP)
	@$(FIG_ENV) FIG5_SEEDS=1..50 FIG_VM_TIMEOUT=7200 FIG_BUDGET=3600 \
		$(TOP)/figures/fig5.sh $(RESULTS)/fig5-full
