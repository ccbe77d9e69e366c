# SPDX-License-Identifier: GPL-2.0-or-later
# libsmtj host benchmarks: values/s of every noise source (JSON).

SMTJ_BENCH := $(O)/bench/smtj/bench-noise
BENCH_STEPS += bench-smtj-noise
.PHONY: bench-smtj-noise

# (this fragment is read before lib/smtj/smtj.mk: name the library directly)
$(SMTJ_BENCH): $(O)/bench/smtj/bench-noise.o $(O)/lib/libsmtj.a
	$(CC) -o $@ $^ $(SMTJ_LDLIBS)

bench-smtj-noise: $(SMTJ_BENCH)
	@mkdir -p $(BUILD)/bench
	$(SMTJ_BENCH) $(BUILD)/bench/smtj-noise.json
	@cat $(BUILD)/bench/smtj-noise.json
