# SPDX-License-Identifier: GPL-2.0-only
#
# smtj.ko: the module build and its static checks (included by ../Makefile).
#
#   make module                          x86_64, newest Debian 6.1 headers
#   make module KVER=6.12                newest 6.12 headers installed
#   make module ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- KDIR=...
#
# Each kernel gets its own build tree, $(BUILD)/kmod/<arch>-<kver>/, made of
# symlinks to Kbuild, kernel/, common/ and include/, so the source tree
# stays clean.

SMTJ_KARCH := $(or $(ARCH),$(KARCH))
SMTJ_KMAKE_ARCH := $(patsubst x86_64,x86,$(SMTJ_KARCH))
SMTJ_DEBARCH := $(patsubst x86_64,amd64,$(SMTJ_KARCH))
# KDIR as given, else the newest headers whose version starts with KVER.
SMTJ_KDIR := $(if $(wildcard $(KDIR)/Makefile),$(KDIR),$(lastword $(sort \
	$(wildcard /usr/src/linux-headers-$(KVER)*-$(SMTJ_DEBARCH)))))
SMTJ_KVER := $(patsubst linux-headers-%,%,$(notdir $(SMTJ_KDIR)))
SMTJ_KMOD := $(BUILD)/kmod/$(SMTJ_KARCH)-$(SMTJ_KVER)
SMTJ_KO := $(SMTJ_KMOD)/kernel/smtj.ko
export SMTJ_KO

SMTJ_KSRC := $(wildcard $(TOP)/kernel/*.[ch] $(TOP)/common/*.[ch]) \
	$(TOP)/kernel/Kbuild $(TOP)/Kbuild $(TOP)/include/uapi/linux/smtj.h
SMTJ_KMAKE = $(MAKE) -C $(SMTJ_KDIR) ARCH=$(SMTJ_KMAKE_ARCH) CONFIG_SMTJ=m
SMTJ_CHECKPATCH_FILES := $(wildcard $(TOP)/kernel/*.[ch] $(TOP)/common/*.[ch]) \
	$(TOP)/include/uapi/linux/smtj.h
SMTJ_CHECKPATCH = $(BUILD)/ksrc/scripts/checkpatch.pl --no-tree --strict \
	--no-summary --show-types

# $(call smtj_tree,DIR): DIR mirrors the module's sources as symlinks.
define smtj_tree
	@test -n "$(SMTJ_KDIR)" || { echo "kernel headers for KVER=$(KVER) $(SMTJ_KARCH) not found (set KDIR)" >&2; exit 1; }
	@mkdir -p $(1)/kernel $(1)/common
	@ln -sfn $(TOP)/Kbuild $(1)/Kbuild
	@ln -sfn $(TOP)/include $(1)/include
	@ln -sfn $(TOP)/kernel/Kbuild $(1)/kernel/Kbuild
	@for f in $(TOP)/kernel/*.[ch]; do ln -sfn $$f $(1)/kernel/; done
	@for f in $(TOP)/common/*.[ch]; do ln -sfn $$f $(1)/common/; done
	@find $(1)/kernel $(1)/common -maxdepth 1 -xtype l -delete
endef

# $(call smtj_kcheck,NAME,DIR,FLAGS,TREE[,WHAT]): a fresh kbuild tree DIR
# (made by the macro TREE, so that a second run cannot pass on stale
# objects) built with FLAGS; any warning or error fails, modpost's
# "WARNING:" included.  DIR.log keeps the output.  kmod.mk uses it too.
define smtj_kcheck
	@rm -rf $(2)
	$(call $(4),$(2))
	@+$(SMTJ_KMAKE) M=$(2) $(3) modules >$(2).log 2>&1 || { cat $(2).log; exit 1; }
	@if grep -iE 'warning:|error:' $(2).log; then \
		echo "$(1): findings ($(SMTJ_KVER))" >&2; exit 1; fi
	@echo "$(1): $(strip $(5) clean) ($(SMTJ_KVER))"
endef

MODULES += $(SMTJ_KO)
STATIC_CHECKS += smtj-w1 smtj-sparse smtj-checkpatch

.PHONY: smtj-w1 smtj-sparse smtj-w1-sparse smtj-checkpatch

$(SMTJ_KO): $(SMTJ_KSRC) $(TOP)/kernel/kernel.mk
	$(call smtj_tree,$(SMTJ_KMOD))
	+$(SMTJ_KMAKE) M=$(SMTJ_KMOD) modules

smtj-w1:
	$(call smtj_kcheck,$@,$(BUILD)/kmod/w1-$(SMTJ_KARCH)-$(SMTJ_KVER),W=1,smtj_tree,W=1)

smtj-sparse:
	$(call smtj_kcheck,$@,$(BUILD)/kmod/sparse-$(SMTJ_KARCH)-$(SMTJ_KVER),C=2 CF=-Wsparse-error,smtj_tree)

# Both in one build (gcc with W=1 and sparse on each file): for the other
# kernels of the matrix below, at half the time of two builds.
smtj-w1-sparse:
	$(call smtj_kcheck,$@,$(BUILD)/kmod/w1-sparse-$(SMTJ_KARCH)-$(SMTJ_KVER),W=1 C=2 CF=-Wsparse-error,smtj_tree)

# The other kernels the project builds for (those of the VM matrix,
# tests/vm/vm.mk): Debian's kernels that scripts/fetch-kernels.sh unpacks
# under $(KERNELS)/ (downloaded on first use, then cached; the VM stage
# reuses them), arm64 cross-built.  One check per kernel: every module check
# in SMTJ_KCHECKS (this file's, tests/kmod/kmod.mk's), each a fresh W=1 +
# sparse build.  STATIC_MATRIX= skips them.
SMTJ_KCHECKS += smtj-w1-sparse
SMTJ_MATRIX_ALL := amd64-6.12 arm64-6.1 arm64-6.12
STATIC_MATRIX ?= $(SMTJ_MATRIX_ALL)
STATIC_CHECKS += $(addprefix smtj-kbuild-,$(STATIC_MATRIX))

.PHONY: $(addprefix smtj-kbuild-,$(SMTJ_MATRIX_ALL))
$(addprefix smtj-kbuild-,$(SMTJ_MATRIX_ALL)): smtj-kbuild-%:
	@$(TOP)/scripts/fetch-kernels.sh $* >/dev/null
	@. $(KERNELS)/$*/env; \
	cross=; [ $$KARCH = arm64 ] && cross="ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu-"; \
	$(MAKE) -s --no-print-directory $(SMTJ_KCHECKS) KDIR=$$KDIR KARCH=$$KARCH $$cross

# smtj_compat.h exists to test LINUX_VERSION_CODE (one source for 6.1 and
# 6.12): that one file is checked with --ignore LINUX_VERSION_CODE, and
# everything else with no exception.
smtj-checkpatch:
	@$(TOP)/scripts/ksrc.sh $(BUILD)/ksrc
	@mkdir -p $(BUILD)/kmod
	@{ perl $(SMTJ_CHECKPATCH) -f $(filter-out %/smtj_compat.h,$(SMTJ_CHECKPATCH_FILES)); \
	   perl $(SMTJ_CHECKPATCH) --ignore LINUX_VERSION_CODE -f $(TOP)/kernel/smtj_compat.h; \
	 } >$(BUILD)/kmod/checkpatch.log 2>&1 || true
	@if grep -E '^(ERROR|WARNING|CHECK)' $(BUILD)/kmod/checkpatch.log; then \
		cat $(BUILD)/kmod/checkpatch.log; \
		echo "smtj-checkpatch: findings" >&2; exit 1; fi
	@echo "smtj-checkpatch: clean"
