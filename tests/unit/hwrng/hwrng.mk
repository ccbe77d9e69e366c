# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of the hwrng pipeline: kernel/smtj_health.c, kernel/smtj_extract.c.

HWRNG_KOBJS := $(O)/kernel/smtj_health.o $(O)/kernel/smtj_extract.o \
	$(O)/kernel/smtj_model.o
HWRNG_TESTS := $(patsubst tests/unit/hwrng/%.c,$(O)/tests/unit/hwrng/%,\
	$(wildcard tests/unit/hwrng/test_*.c))
UNIT_TESTS += $(HWRNG_TESTS)

$(O)/tests/unit/hwrng/%.o: CPPFLAGS += -I$(TOP)/kernel
$(HWRNG_KOBJS): CPPFLAGS += -I$(TOP)/kernel

$(O)/tests/unit/hwrng/test_%: $(O)/tests/unit/hwrng/test_%.o $(HWRNG_KOBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lm
