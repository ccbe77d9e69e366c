# SPDX-License-Identifier: GPL-2.0-or-later
# hwrng extraction pipeline on the junction model (JSON): output bits per
# input sample, conditioned bytes/s for Peres and SHA-256 (0.060 assessed
# bits per state) and their ratio, rngtest on 2.5 MB of each vs raw
# (seed 42, and seed 0x5eed: the stream the VM selftest compares with /dev/hwrng),
# and the cost per state of the online min-entropy estimate.

HWRNG_BENCH := $(O)/bench/hwrng/hwrng-bench
BENCH_BINS += $(HWRNG_BENCH)
HWRNG_BENCH_OBJS := $(O)/bench/hwrng/hwrng-bench.o $(COMMON_HWRNG_OBJS) \
	$(COMMON_MODEL_OBJS)
BENCH_STEPS += bench-hwrng
.PHONY: bench-hwrng

$(O)/bench/hwrng/%.o: CPPFLAGS += $(COMMON_CPPFLAGS)

$(HWRNG_BENCH): $(HWRNG_BENCH_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^

bench-hwrng: $(HWRNG_BENCH)
	@mkdir -p $(BUILD)/bench
	$(HWRNG_BENCH) --rngtest 2500000 --json $(BUILD)/bench/hwrng.json
	@cat $(BUILD)/bench/hwrng.json
	@# the stream of the VM selftest smtj_hwrng_test.extractor_identical
	@# (seed 0x5eed), whose first 32 KiB /dev/hwrng gives byte for byte
	$(HWRNG_BENCH) --samples 4194304 --seed 0x5eed --rngtest 2500000 \
		--json $(BUILD)/bench/hwrng-seed5eed.json
	@cat $(BUILD)/bench/hwrng-seed5eed.json
