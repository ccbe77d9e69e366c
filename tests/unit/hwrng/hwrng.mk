# SPDX-License-Identifier: GPL-2.0-or-later
# Host tests of the hwrng pipeline: common/smtj_health.c, common/smtj_extract.c,
# common/smtj_entropy_online.c.

HWRNG_KOBJS := $(COMMON_HWRNG_OBJS) $(COMMON_MODEL_OBJS)
HWRNG_TESTS := $(patsubst tests/unit/hwrng/%.c,$(O)/tests/unit/hwrng/%,\
	$(wildcard tests/unit/hwrng/test_*.c))
UNIT_TESTS += $(HWRNG_TESTS)

$(O)/tests/unit/hwrng/%.o: CPPFLAGS += $(COMMON_CPPFLAGS)

$(O)/tests/unit/hwrng/test_%: $(O)/tests/unit/hwrng/test_%.o $(HWRNG_KOBJS)
	$(CC) $(ALL_CFLAGS) -o $@ $^ -lm

# test_online compares the online estimate with libsmtj's SP 800-90B
# estimators on the same windows.
$(O)/tests/unit/hwrng/test_online: $(O)/tests/unit/hwrng/test_online.o \
		$(HWRNG_KOBJS) $(LIBSMTJ_A)
	$(CC) $(ALL_CFLAGS) -o $@ $^ $(SMTJ_LDLIBS)
