# SPDX-License-Identifier: GPL-2.0-or-later
#
# libFuzzer targets of the libdanp loaders.

# Each target links the loaders rebuilt with the sanitizers; runs are short
# (5 s each) so that all three take about 15 s in make check.
DANP_FUZZ_DIR := $(BUILD)/fuzz/danp
DANP_FUZZ_LIBSRC := lib/danp/idx.c lib/danp/cifar.c lib/danp/csv.c \
	lib/danp/dataset.c lib/danp/err.c lib/danp/rng.c lib/danp/readfile.c
DANP_FUZZERS := idx cifar csv
FUZZ_RUNS += $(patsubst %,fuzz-danp-%,$(DANP_FUZZERS))
.PHONY: $(patsubst %,fuzz-danp-%,$(DANP_FUZZERS)) danp-fuzz-corpus

$(DANP_FUZZ_DIR)/fuzz-%: tests/fuzz/danp/fuzz-%.c $(DANP_FUZZ_LIBSRC) lib/include/libdanp.h
	@mkdir -p $(dir $@)
	clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined $(CPPFLAGS) -Ilib/danp \
		-o $@ $< $(DANP_FUZZ_LIBSRC) -lz -lm

danp-fuzz-corpus:
	@tests/fuzz/danp/mkcorpus.sh $(DANP_FUZZ_DIR)/seed

$(patsubst %,fuzz-danp-%,$(DANP_FUZZERS)): fuzz-danp-%: $(DANP_FUZZ_DIR)/fuzz-% danp-fuzz-corpus
	@mkdir -p $(DANP_FUZZ_DIR)/corpus-$*
	$< -max_total_time=5 -max_len=8192 -print_final_stats=0 \
		$(DANP_FUZZ_DIR)/corpus-$* $(DANP_FUZZ_DIR)/seed/$* 2>$(DANP_FUZZ_DIR)/fuzz-$*.log \
		|| { tail -n 40 $(DANP_FUZZ_DIR)/fuzz-$*.log; exit 1; }
	@grep -h 'DONE\|stat::number_of_executed_units' $(DANP_FUZZ_DIR)/fuzz-$*.log | tail -n 1
