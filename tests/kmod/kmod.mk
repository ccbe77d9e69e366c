# SPDX-License-Identifier: GPL-2.0-only
#
# smtj-test-adc.ko: the test-only IIO ADC (telegraph waveform) that the VM
# tests put under smtj's IIO backend.  Included by ../../Makefile; built for
# the same kernel as smtj.ko (KVER / KARCH / ARCH / CROSS_COMPILE / KDIR,
# resolved by kernel/kernel.mk into SMTJ_KDIR, SMTJ_KVER, SMTJ_KARCH), in
# its own tree $(BUILD)/kmod-test/<arch>-<kver>/ of symlinks.
#
#   make smtj-test-adc                               x86_64, Debian 6.1
#   . $SMTJ_CACHE/kernels/arm64-6.1/env; make smtj-test-adc KDIR=$KDIR \
#         ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-
#
# Variables of kernel/kernel.mk are used only inside recipes (that file is
# included after this one), so everything here is expanded late.

STA_DIR = $(BUILD)/kmod-test/$(SMTJ_KARCH)-$(SMTJ_KVER)
SMTJ_TEST_ADC_KO = $(STA_DIR)/smtj-test-adc.ko
export SMTJ_TEST_ADC_KO
STA_SRC := $(TOP)/tests/kmod/smtj-test-adc.c

MODULES += smtj-test-adc
STATIC_CHECKS += smtj-test-adc-w1 smtj-test-adc-sparse smtj-test-adc-checkpatch

.PHONY: smtj-test-adc smtj-test-adc-w1 smtj-test-adc-sparse \
	smtj-test-adc-w1-sparse smtj-test-adc-checkpatch

# $(call sta_tree,DIR): a kbuild tree of symlinks to the source.
define sta_tree
	@test -n "$(SMTJ_KDIR)" || { echo "kernel headers for KVER=$(KVER) $(SMTJ_KARCH) not found (set KDIR)" >&2; exit 1; }
	@mkdir -p $(1)
	@ln -sfn $(STA_SRC) $(1)/smtj-test-adc.c
	@echo 'obj-m += smtj-test-adc.o' >$(1)/Kbuild
endef

# kbuild decides what is stale; always ask it.
smtj-test-adc:
	$(call sta_tree,$(STA_DIR))
	+$(SMTJ_KMAKE) M=$(STA_DIR) modules

# Fresh builds that fail on any warning (smtj_kcheck of kernel/kernel.mk);
# the W=1 + sparse one runs for each kernel of STATIC_MATRIX (kernel.mk).
smtj-test-adc-w1:
	$(call smtj_kcheck,$@,$(BUILD)/kmod-test/w1-$(SMTJ_KARCH)-$(SMTJ_KVER),W=1,sta_tree)

smtj-test-adc-sparse:
	$(call smtj_kcheck,$@,$(BUILD)/kmod-test/sparse-$(SMTJ_KARCH)-$(SMTJ_KVER),C=2 CF=-Wsparse-error,sta_tree)

SMTJ_KCHECKS += smtj-test-adc-w1-sparse
smtj-test-adc-w1-sparse:
	$(call smtj_kcheck,$@,$(BUILD)/kmod-test/w1-sparse-$(SMTJ_KARCH)-$(SMTJ_KVER),W=1 C=2 CF=-Wsparse-error,sta_tree)

smtj-test-adc-checkpatch:
	@$(TOP)/scripts/ksrc.sh $(BUILD)/ksrc
	@mkdir -p $(BUILD)/kmod-test
	@perl $(BUILD)/ksrc/scripts/checkpatch.pl --no-tree --strict --no-summary \
		--show-types -f $(STA_SRC) >$(BUILD)/kmod-test/checkpatch.log 2>&1 || true
	@if grep -E '^(ERROR|WARNING|CHECK)' $(BUILD)/kmod-test/checkpatch.log; then \
		cat $(BUILD)/kmod-test/checkpatch.log; \
		echo "smtj-test-adc-checkpatch: findings" >&2; exit 1; fi
	@echo "smtj-test-adc-checkpatch: clean"

# Boot tests of the test ADC alone (no smtj.ko): `make kmod-smoke` on the
# installed kernel, `make kmod-smoke-matrix` also on the kernels of
# scripts/fetch-kernels.sh (downloaded on first use; arm64 needs
# gcc-aarch64-linux-gnu and qemu-system-arm).  Not part of `make check`.
KMOD_SMOKE_KERNELS ?= amd64-6.12 arm64-6.1 arm64-6.12

.PHONY: kmod-smoke kmod-smoke-matrix

kmod-smoke: smtj-test-adc
	@KVER=$(SMTJ_KVER) $(TOP)/tests/kmod/smoke.sh host $(SMTJ_TEST_ADC_KO) | \
		grep -E '^(not ok|smoke:)'

kmod-smoke-matrix: kmod-smoke
	@set -e; $(TOP)/scripts/fetch-kernels.sh $(KMOD_SMOKE_KERNELS) arm64-user; \
	for k in $(KMOD_SMOKE_KERNELS); do \
		. $(KERNELS)/$$k/env; \
		cross=; [ $$KARCH = arm64 ] && cross="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"; \
		$(MAKE) -s --no-print-directory smtj-test-adc KDIR=$$KDIR $$cross | grep -v BTF || true; \
		$(TOP)/tests/kmod/smoke.sh $(KERNELS)/$$k/env \
			$(BUILD)/kmod-test/$$KARCH-$$KVER/smtj-test-adc.ko | \
			grep -E '^(not ok|smoke:)'; \
	done
