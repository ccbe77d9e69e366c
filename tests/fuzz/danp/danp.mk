# SPDX-License-Identifier: GPL-2.0-or-later
#
# libFuzzer targets of the libdanp loaders.

# Each target links the library rebuilt with the sanitizers; runs are short
# (4 s each) so that all four take about 16 s in make check.
DANP_FUZZ_DIR := $(BUILD)/fuzz/danp
DANP_FUZZ_LIBSRC := $(DANP_SRCS)
DANP_FUZZ_LIBOBJ := $(patsubst %.c,$(DANP_FUZZ_DIR)/obj/%.o,$(DANP_FUZZ_LIBSRC))
DANP_FUZZ_CFLAGS := $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined $(CPPFLAGS) $(COMMON_CPPFLAGS) -Ilib/danp
DANP_FUZZERS := idx cifar csv ckpt
FUZZ_RUNS += $(patsubst %,fuzz-danp-%,$(DANP_FUZZERS))
.PHONY: $(patsubst %,fuzz-danp-%,$(DANP_FUZZERS)) danp-fuzz-corpus

# The sanitized library is compiled once and shared by the targets.
$(DANP_FUZZ_DIR)/obj/%.o: %.c lib/danp/danp-internal.h lib/include/libdanp.h
	@mkdir -p $(dir $@)
	clang $(DANP_FUZZ_CFLAGS) -c $< -o $@

$(DANP_FUZZ_DIR)/fuzz-%: tests/fuzz/danp/fuzz-%.c $(DANP_FUZZ_LIBOBJ)
	clang $(DANP_FUZZ_CFLAGS) -o $@ $^ -lopenblas -lz -lm -pthread

danp-fuzz-corpus:
	@tests/fuzz/danp/mkcorpus.sh $(DANP_FUZZ_DIR)/seed

$(patsubst %,fuzz-danp-%,$(DANP_FUZZERS)): fuzz-danp-%: $(DANP_FUZZ_DIR)/fuzz-% danp-fuzz-corpus
	$(call fuzz_run,$(DANP_FUZZ_DIR),4,8192)
