# SPDX-License-Identifier: GPL-2.0-or-later
# hwrng extraction pipeline on the junction model (JSON): output bits per
# input sample, conditioned bytes/s, rngtest on 2.5 MB conditioned vs raw.

HWRNG_BENCH := $(O)/bench/hwrng/hwrng-bench
HWRNG_BENCH_OBJS := $(O)/bench/hwrng/hwrng-bench.o $(O)/kernel/smtj_extract.o \
	$(O)/kernel/smtj_health.o $(O)/kernel/smtj_model.o
BENCH_STEPS += bench-hwrng
.PHONY: bench-hwrng

$(O)/bench/hwrng/%.o: CPPFLAGS += -I$(TOP)/kernel

$(HWRNG_BENCH): $(HWRNG_BENCH_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^

bench-hwrng: $(HWRNG_BENCH)
	@mkdir -p $(BUILD)/bench
	$(HWRNG_BENCH) --rngtest 2500000 --json $(BUILD)/bench/hwrng.json
	@cat $(BUILD)/bench/hwrng.json
