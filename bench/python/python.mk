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
