# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-train: DANP/BP/NP/ANP training on libsmtj noise.

SMTJ_TRAIN := $(O)/utils/smtj-train/smtj-train
SMTJ_TRAIN_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard utils/smtj-train/*.c))
TOOLS += $(SMTJ_TRAIN)

$(SMTJ_TRAIN): $(SMTJ_TRAIN_OBJS) $(TOOL_COMMON_OBJS) $(TOOL_LIBDANP) $(TOOL_LIBSMTJ)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ -lopenblas -lz -luring -lfftw3 -lm -pthread

# A static build for the test VM's initramfs (make demo): OpenBLAS's
# static library needs no Fortran runtime for sgemm.  Not built by default.
SMTJ_TRAIN_STATIC := $(O)/utils/smtj-train/smtj-train-static
$(SMTJ_TRAIN_STATIC): $(SMTJ_TRAIN_OBJS) $(TOOL_COMMON_OBJS) $(LIBDANP_A) $(LIBSMTJ_A)
	@mkdir -p $(dir $@)
	$(CC) -static -o $@ $^ -lopenblas -lz -luring -lfftw3 -lm -lpthread
