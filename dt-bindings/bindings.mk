# SPDX-License-Identifier: GPL-2.0-only
#
# Device-tree bindings, examples and Raspberry Pi overlays (dt-bindings/):
# `make check-bindings` validates them all (dt-bindings/check.sh; any output
# of dt-doc-validate / dt-validate counts as a failure, since both exit 0 on
# errors).  `make dt-overlays` builds the .dtbo files into $(BUILD)/dt/.

DT_OUT := $(BUILD)/dt
DT_OVERLAYS := $(patsubst $(TOP)/dt-bindings/overlays/%.dtso,$(DT_OUT)/%.dtbo,\
	$(wildcard $(TOP)/dt-bindings/overlays/*.dtso))

BINDING_CHECKS += dt-bindings-check

.PHONY: dt-bindings-check dt-overlays

dt-bindings-check:
	@$(TOP)/dt-bindings/check.sh $(DT_OUT)/check

dt-overlays: $(DT_OVERLAYS)

$(DT_OUT)/%.dtbo: $(TOP)/dt-bindings/overlays/%.dtso
	@mkdir -p $(@D)
	dtc -@ -I dts -O dtb -o $@ $<
