# SPDX-License-Identifier: GPL-2.0-or-later
#
# The smtj Python module against libsmtj's own tool: noise values per
# second from Noise.fill and from smtjcat --noise to /dev/null, same run.

ifneq ($(SMTJ_PYTHON),no)
BENCH_STEPS += bench-python-noise
.PHONY: bench-python-noise
bench-python-noise: $(PY_MODULE) $(O)/utils/smtjcat/smtjcat
	@mkdir -p $(BUILD)/bench
	PYTHONPATH=$(PY_DIR) nice -n 5 $(PYTHON) bench/python/bench-noise.py \
		$(O)/utils/smtjcat/smtjcat $(BUILD)/bench/python-noise.json >/dev/null
	@cat $(BUILD)/bench/python-noise.json
endif

# A live device through the module against smtjcat, both in the system
# test's Debian VM (bench/python/vm-bench.sh; the busybox VM of
# bench-smtj-vm has no Python): samples/s and their ratio at 4 Ki, 64 Ki
# and 1 Mi-sample batches.  The VM installs the .debs: `make deb` first
# (BENCH_DEBS=DIR: .debs built elsewhere).  Several minutes of emulation,
# most of them DKMS building the module in the guest.
BENCH_STEPS += bench-python-vm
BENCH_DEBS ?=
.PHONY: bench-python-vm
bench-python-vm: $(if $(BENCH_DEBS),,deb)
	@mkdir -p $(BUILD)/bench
	@KVER='$(KVER)' BUILD='$(BUILD)' PYTHON='$(or $(PYTHON),/usr/bin/python3)' \
		nice -n 5 $(TOP)/bench/python/vm-bench.sh $(TOP) $(or $(BENCH_DEBS),$(BUILD)/deb) \
		$(BUILD)/python-vm-bench $(BUILD)/bench/python-device.json
