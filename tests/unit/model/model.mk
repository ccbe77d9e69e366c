# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of the shared junction model.
MODEL_TEST := $(O)/tests/unit/model/test_model

$(O)/tests/unit/model/%.o: CPPFLAGS += $(COMMON_CPPFLAGS)

$(MODEL_TEST): $(O)/tests/unit/model/test_model.o $(COMMON_MODEL_OBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lm

UNIT_TESTS += $(MODEL_TEST)
