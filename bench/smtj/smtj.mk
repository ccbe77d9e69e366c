# SPDX-License-Identifier: GPL-2.0-or-later
# libsmtj host benchmarks: values/s of every noise source (JSON).

# $(eval $(call smtj_host_bench,name)): make bench runs bench-smtj-name,
# the program bench/smtj/bench-name.c linked with libsmtj, which writes
# build/bench/smtj-name.json.  (This fragment is read before
# lib/smtj/smtj.mk: the library is named directly.)
define smtj_host_bench
BENCH_BINS += $$(O)/bench/smtj/bench-$(1)
BENCH_STEPS += bench-smtj-$(1)
.PHONY: bench-smtj-$(1)

$$(O)/bench/smtj/bench-$(1): $$(O)/bench/smtj/bench-$(1).o $$(O)/lib/libsmtj.a
	$$(CC) -o $$@ $$^ $$(SMTJ_LDLIBS)

bench-smtj-$(1): $$(O)/bench/smtj/bench-$(1)
	@mkdir -p $$(BUILD)/bench
	$$< $$(BUILD)/bench/smtj-$(1).json
	@cat $$(BUILD)/bench/smtj-$(1).json
endef

# Values/s of every noise source.
$(eval $(call smtj_host_bench,noise))

# Transports in the VM: samples/s and production-to-arrival latency at
# several batch sizes (bench/smtj/vm-transport.c, run by vm-bench.sh).
# This fragment is read before tests/: take VM_CC, VM_ARCH, VM_LIBDIR from
# the harness's arch.make (guarded against double inclusion).
include $(TOP)/tests/vm/arch.make
# BENCH_ROUNDS and BENCH_RUN_MS shorten a run for a quick look (the
# defaults: 5 rounds of 300 ms runs), BENCH_URING_DEPTH sets the io_uring
# stream "uring"'s depth (16); the binary is rebuilt when they change.
SMTJ_VM_BENCH := $(BUILD)/vm/$(VM_ARCH)/smtj/vm-transport
SMTJ_VM_BENCH_DEFS := $(if $(BENCH_ROUNDS),-DROUNDS=$(BENCH_ROUNDS)) \
	$(if $(BENCH_RUN_MS),-DRUN_NS=$(BENCH_RUN_MS)000000ULL) \
	$(if $(BENCH_URING_DEPTH),-DURING_DEPTH=$(BENCH_URING_DEPTH))
SMTJ_VM_BENCH_STAMP := $(SMTJ_VM_BENCH).defs
$(shell mkdir -p $(dir $(SMTJ_VM_BENCH)); echo '$(SMTJ_VM_BENCH_DEFS)' | \
	cmp -s - $(SMTJ_VM_BENCH_STAMP) || echo '$(SMTJ_VM_BENCH_DEFS)' >$(SMTJ_VM_BENCH_STAMP))
BENCH_STEPS += bench-smtj-vm
.PHONY: bench-smtj-vm
$(SMTJ_VM_BENCH): bench/smtj/vm-transport.c $(SMTJ_VM_BENCH_STAMP) \
		$(wildcard lib/smtj/*.[ch] common/*.[ch]) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(VM_CC) $(CSTD) $(WARN) -O2 -g -static $(CPPFLAGS) $(COMMON_CPPFLAGS) -Ilib/smtj \
		$(SMTJ_VM_BENCH_DEFS) \
		-o $@ $< $(SMTJ_SRCS) $(VM_LIBDIR)/liburing.a $(VM_LIBDIR)/libfftw3.a -lm

bench-smtj-vm: $(SMTJ_VM_BENCH)
	@mkdir -p $(BUILD)/bench
	@VM_ARCH=$(VM_ARCH) bench/smtj/vm-bench.sh $(MAKE) $(TOP) $(BUILD)/smtj-vm-bench $(SMTJ_VM_BENCH) \
		$(BUILD)/bench/smtj-transport.json

# SP 800-90B assessment of 1 M samples: CPU seconds and peak memory.
$(eval $(call smtj_host_bench,entropy))
