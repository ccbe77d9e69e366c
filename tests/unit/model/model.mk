# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of the shared junction model.
MODEL_TEST := $(O)/tests/unit/model/test_model

$(O)/tests/unit/model/%.o: CPPFLAGS += -I$(TOP)/kernel
$(O)/kernel/%.o: CPPFLAGS += -I$(TOP)/kernel

$(MODEL_TEST): $(O)/tests/unit/model/test_model.o $(O)/kernel/smtj_model.o
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lm

UNIT_TESTS += $(MODEL_TEST)
