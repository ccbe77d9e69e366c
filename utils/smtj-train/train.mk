# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-train: DANP/BP/NP/ANP training on libsmtj noise.

SMTJ_TRAIN := $(O)/utils/smtj-train/smtj-train
SMTJ_TRAIN_OBJS := $(patsubst %.c,$(O)/%.o,$(wildcard utils/smtj-train/*.c))
TOOLS += $(SMTJ_TRAIN)

$(SMTJ_TRAIN): $(SMTJ_TRAIN_OBJS) $(LIBDANP_A) $(LIBSMTJ_A)
	@mkdir -p $(dir $@)
	$(CC) -o $@ $^ -lopenblas -lz -luring -lfftw3 -lm
