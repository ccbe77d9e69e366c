# SPDX-License-Identifier: GPL-2.0-or-later
# libsmtj host benchmarks: values/s of every noise source (JSON).

SMTJ_BENCH := $(O)/bench/smtj/bench-noise
BENCH_BINS += $(SMTJ_BENCH)
BENCH_STEPS += bench-smtj-noise
.PHONY: bench-smtj-noise

# (this fragment is read before lib/smtj/smtj.mk: name the library directly)
$(SMTJ_BENCH): $(O)/bench/smtj/bench-noise.o $(O)/lib/libsmtj.a
	$(CC) -o $@ $^ $(SMTJ_LDLIBS)

bench-smtj-noise: $(SMTJ_BENCH)
	@mkdir -p $(BUILD)/bench
	$(SMTJ_BENCH) $(BUILD)/bench/smtj-noise.json
	@cat $(BUILD)/bench/smtj-noise.json

# Transports in the VM: samples/s and production-to-arrival latency at
# several batch sizes (bench/smtj/vm-transport.c, run by vm-bench.sh).
# This fragment is read before tests/: take VM_CC, VM_ARCH, VM_LIBDIR from
# the harness's arch.make (guarded against double inclusion).
include $(TOP)/tests/vm/arch.make
SMTJ_VM_BENCH := $(BUILD)/vm/$(VM_ARCH)/smtj/vm-transport
BENCH_STEPS += bench-smtj-vm
.PHONY: bench-smtj-vm
$(SMTJ_VM_BENCH): bench/smtj/vm-transport.c $(wildcard lib/smtj/*.[ch] common/*.[ch]) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(VM_CC) $(CSTD) $(WARN) -O2 -g -static $(CPPFLAGS) $(COMMON_CPPFLAGS) -Ilib/smtj \
		-o $@ $< $(SMTJ_SRCS) $(VM_LIBDIR)/liburing.a $(VM_LIBDIR)/libfftw3.a -lm

bench-smtj-vm: $(SMTJ_VM_BENCH)
	@mkdir -p $(BUILD)/bench
	@VM_ARCH=$(VM_ARCH) bench/smtj/vm-bench.sh $(MAKE) $(TOP) $(BUILD)/smtj-vm-bench $(SMTJ_VM_BENCH) \
		$(BUILD)/bench/smtj-transport.json

# SP 800-90B assessment of 1 M samples: CPU seconds and peak memory.
SMTJ_ENTROPY_BENCH := $(O)/bench/smtj/bench-entropy
BENCH_BINS += $(SMTJ_ENTROPY_BENCH)
BENCH_STEPS += bench-smtj-entropy
.PHONY: bench-smtj-entropy
$(SMTJ_ENTROPY_BENCH): $(O)/bench/smtj/bench-entropy.o $(O)/lib/libsmtj.a
	$(CC) -o $@ $^ $(SMTJ_LDLIBS)

bench-smtj-entropy: $(SMTJ_ENTROPY_BENCH)
	@mkdir -p $(BUILD)/bench
	$(SMTJ_ENTROPY_BENCH) $(BUILD)/bench/smtj-entropy.json
	@cat $(BUILD)/bench/smtj-entropy.json
