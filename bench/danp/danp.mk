# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp benchmark (make bench) and the MNIST cache it needs.

DANP_BENCH := $(O)/bench/danp/danp-bench
BENCH_BINS += $(DANP_BENCH)
# Literal library path: this fragment is read before lib/danp/danp.mk.
$(DANP_BENCH): $(O)/bench/danp/danp-bench.o $(O)/lib/libdanp.a
	$(CC) -o $@ $^ -lopenblas -lz -lm -pthread

BENCH_STEPS += bench-danp bench-danp-loaded bench-danp-tta bench-danp-aarch64
.PHONY: bench-danp bench-danp-loaded bench-danp-tta bench-danp-aarch64 data-mnist

# One MNIST epoch of the reference recipe at 1 and 2 threads (libdanp's
# split; and OpenBLAS's threading, for comparison), and BP at 1 thread;
# each JSON holds the sgemm ceiling measured in the same run (before and
# after the epoch, by as many threads).  The "auto" runs let danp-bench
# pick the fastest OpenBLAS kernels for the CPU (--blas-core auto,
# overriding OPENBLAS_CORETYPE, which this machine's environment sets to
# Haswell); the "env" run keeps the environment's choice.  The kernels
# used are recorded in each file.  The 2-thread speed-up depends on them:
# the slower Haswell kernels leave the split's fixed costs (packing, the
# calling thread's own work) a smaller share, so both pairs are run.
DANP_BENCH_OUT := $(BUILD)/bench
DANP_BENCH_RUNS := danp-mnist-1t danp-mnist-2t danp-mnist-2t-openblas \
	bp-mnist-1t danp-mnist-1t-env danp-mnist-2t-env
bench-danp: $(DANP_BENCH) data-mnist
	@mkdir -p $(DANP_BENCH_OUT)
	$(DANP_BENCH) --data data/mnist --threads 1 --blas-core auto --json $(DANP_BENCH_OUT)/danp-mnist-1t.json
	$(DANP_BENCH) --data data/mnist --threads 2 --blas-core auto --json $(DANP_BENCH_OUT)/danp-mnist-2t.json
	$(DANP_BENCH) --data data/mnist --threads 2 --blas-core auto --blas-threads --json $(DANP_BENCH_OUT)/danp-mnist-2t-openblas.json
	$(DANP_BENCH) --data data/mnist --threads 1 --blas-core auto --rule bp --json $(DANP_BENCH_OUT)/bp-mnist-1t.json
	$(DANP_BENCH) --data data/mnist --threads 1 --json $(DANP_BENCH_OUT)/danp-mnist-1t-env.json
	$(DANP_BENCH) --data data/mnist --threads 2 --json $(DANP_BENCH_OUT)/danp-mnist-2t-env.json
	@for f in $(DANP_BENCH_RUNS); do \
		printf '%-23s' $$f; sed -n 's/.*"\(blas_core\|threads\|split\|split_fallbacks\|sgemm_gflops\|mean_seconds_per_epoch\|mean_sgemm_fraction\|peak_rss_mb\)": "\{0,1\}\([^",]*\).*/ \1=\2/p' \
			$(DANP_BENCH_OUT)/$$f.json | tr -d '\n'; echo; done

# Two threads on a loaded machine: danp-bench makes the load itself (one
# busy thread pinned to each CPU) while 300 batches train at 1 thread and
# at 2, one after the other in the same run.  The 2-thread run must not be
# slower than the 1-thread one: libdanp drops the split while its worker
# is descheduled (split_fallbacks, serial_jobs in the JSON).  The idle
# ratio is bench-danp's danp-mnist-2t against danp-mnist-1t.
DANP_LOADED_RUNS := danp-mnist-1t-loaded danp-mnist-2t-loaded
bench-danp-loaded: $(DANP_BENCH) data-mnist
	@mkdir -p $(DANP_BENCH_OUT)
	$(DANP_BENCH) --data data/mnist --threads 1 --blas-core auto --no-sgemm --max-batches 300 --load 2 --json $(DANP_BENCH_OUT)/danp-mnist-1t-loaded.json
	$(DANP_BENCH) --data data/mnist --threads 2 --blas-core auto --no-sgemm --max-batches 300 --load 2 --json $(DANP_BENCH_OUT)/danp-mnist-2t-loaded.json
	@for f in $(DANP_LOADED_RUNS); do \
		printf '%-23s' $$f; sed -n 's/.*"\(threads\|split_fallbacks\|serial_jobs\|split_jobs\|mean_seconds_per_epoch\|mean_cpu_seconds_per_epoch\)": \([^",]*\).*/ \1=\2/p' \
			$(DANP_BENCH_OUT)/$$f.json | tr -d '\n'; echo; done

# arm64: the same bench cross-built against arm64 OpenBLAS, run briefly
# under qemu-aarch64-static as a functional check (its FLOP rate is the
# emulator's, not a Pi's; results.rst gives the expectations).
bench-danp-aarch64: data-mnist
	@bench/danp/aarch64.sh $(BUILD) $(DANP_BENCH_OUT)/danp-aarch64-qemu.json

# Time to accuracy: epochs and seconds until the noisy test accuracy (the
# reference's metric; clean beside it) reaches 90 % and 95 %, DANP at 1
# and 2 threads capped at 60 epochs (stopping at 95 %), BP at 1 thread;
# wall seconds (evaluation included) and training CPU seconds.  Long: 42
# epochs to 95 % at 1 thread, up to 60 twice (about 5 + 4 minutes of
# training on an idle machine, several times that under load).
DANP_TTA_RUNS := tta-danp-mnist-1t tta-danp-mnist-2t tta-bp-mnist-1t
bench-danp-tta: $(DANP_BENCH) data-mnist
	@mkdir -p $(DANP_BENCH_OUT)
	$(DANP_BENCH) --data data/mnist --threads 1 --blas-core auto --no-sgemm --epochs 60 --until 0.95 --json $(DANP_BENCH_OUT)/tta-danp-mnist-1t.json
	$(DANP_BENCH) --data data/mnist --threads 2 --blas-core auto --no-sgemm --epochs 60 --until 0.95 --json $(DANP_BENCH_OUT)/tta-danp-mnist-2t.json
	$(DANP_BENCH) --data data/mnist --threads 1 --blas-core auto --no-sgemm --epochs 60 --until 0.95 --rule bp --json $(DANP_BENCH_OUT)/tta-bp-mnist-1t.json
	@for f in $(DANP_TTA_RUNS); do \
		printf '%-20s' $$f; sed -n 's/.*"target": \([0-9.]*\), "metric": "\([a-z_]*\)", "epochs": \([0-9a-z]*\), "train_seconds": \([0-9.a-z]*\), "wall_seconds": \([0-9.a-z]*\), "train_cpu_seconds": \([0-9.a-z]*\).*/ \2>=\1: \3 ep \5 s (cpu \6 s);/p' \
			$(DANP_BENCH_OUT)/$$f.json | tr -d '\n'; echo; done

DATA_STEPS += data-mnist
data-mnist:
	@scripts/fetch-mnist.sh
