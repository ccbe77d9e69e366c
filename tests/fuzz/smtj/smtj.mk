# SPDX-License-Identifier: GPL-2.0-or-later
#
# libsmtj fuzzers: the spec parser, each series parser (u16, f32, csv) and
# the streamed replay of binary recordings against the parser (replay),
# clang -fsanitize=fuzzer,address,undefined, ~5 s each on a seed corpus.

SMTJ_FUZZ_DIR := $(BUILD)/fuzz/smtj
SMTJ_FUZZ_LIBSRC = $(SMTJ_SRCS)
SMTJ_FUZZERS := spec u16 f32 csv replay
FUZZ_RUNS += $(patsubst %,fuzz-smtj-%,$(SMTJ_FUZZERS))
.PHONY: $(patsubst %,fuzz-smtj-%,$(SMTJ_FUZZERS)) smtj-fuzz-corpus

SMTJ_FUZZ_CC = clang $(CSTD) $(WARN) -O1 -g -fsanitize=fuzzer,address,undefined \
	-fno-sanitize-recover=undefined $(CPPFLAGS) $(COMMON_CPPFLAGS) -Ilib/smtj

$(SMTJ_FUZZ_DIR)/fuzz-spec: tests/fuzz/smtj/fuzz-spec.c $(SMTJ_FUZZ_LIBSRC) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(SMTJ_FUZZ_CC) -o $@ $< $(SMTJ_FUZZ_LIBSRC) $(SMTJ_LDLIBS)

# 64-byte chunks: small inputs cross many chunk boundaries of the reader.
$(SMTJ_FUZZ_DIR)/fuzz-replay: tests/fuzz/smtj/fuzz-replay.c $(SMTJ_FUZZ_LIBSRC) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(SMTJ_FUZZ_CC) -DSMTJ_REPLAY_CHUNK=64 -o $@ $< $(SMTJ_FUZZ_LIBSRC) $(SMTJ_LDLIBS)

$(SMTJ_FUZZ_DIR)/fuzz-%: tests/fuzz/smtj/fuzz-series.c $(SMTJ_FUZZ_LIBSRC) lib/include/libsmtj.h
	@mkdir -p $(dir $@)
	$(SMTJ_FUZZ_CC) -DSERIES_FMT=SMTJ_FMT_$(shell echo $* | tr a-z A-Z) \
		-o $@ $< $(SMTJ_FUZZ_LIBSRC) $(SMTJ_LDLIBS)

smtj-fuzz-corpus:
	@tests/fuzz/smtj/mkcorpus.sh $(SMTJ_FUZZ_DIR)/seed

$(patsubst %,fuzz-smtj-%,$(SMTJ_FUZZERS)): fuzz-smtj-%: $(SMTJ_FUZZ_DIR)/fuzz-% smtj-fuzz-corpus
	$(call fuzz_run,$(SMTJ_FUZZ_DIR),5,4096)
