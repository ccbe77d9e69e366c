# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp benchmark (make bench) and the MNIST cache it needs.

DANP_BENCH := $(O)/bench/danp/danp-bench
# Literal library path: this fragment is read before lib/danp/danp.mk.
$(DANP_BENCH): $(O)/bench/danp/danp-bench.o $(O)/lib/libdanp.a
	$(CC) -o $@ $^ -lopenblas -lz -lm

BENCH_STEPS += bench-danp
.PHONY: bench-danp data-mnist

# One MNIST epoch of the reference recipe at 1 and 2 threads, and BP at 1
# thread; each JSON holds the sgemm rate measured in the same run.
bench-danp: $(DANP_BENCH) data-mnist
	@mkdir -p $(BUILD)/bench
	$(DANP_BENCH) --data data/mnist --threads 1 --json $(BUILD)/bench/danp-mnist-1t.json
	$(DANP_BENCH) --data data/mnist --threads 2 --json $(BUILD)/bench/danp-mnist-2t.json
	$(DANP_BENCH) --data data/mnist --threads 1 --rule bp --json $(BUILD)/bench/bp-mnist-1t.json
	@grep -h '"threads"\|"rule"\|"sgemm_gflops\|"mean_\|"peak_rss' \
		$(BUILD)/bench/danp-mnist-1t.json $(BUILD)/bench/danp-mnist-2t.json \
		$(BUILD)/bench/bp-mnist-1t.json

DATA_STEPS += data-mnist
data-mnist:
	@scripts/fetch-mnist.sh
