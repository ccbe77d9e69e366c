# SPDX-License-Identifier: GPL-2.0-or-later
# libsmtj unit tests: one program per file, linked statically to libsmtj.

SMTJ_TEST_SRCS := $(wildcard tests/unit/smtj/test_*.c)
SMTJ_TESTS := $(patsubst tests/unit/smtj/%.c,$(O)/tests/unit/smtj/%,$(SMTJ_TEST_SRCS))
UNIT_TESTS += $(SMTJ_TESTS)

$(O)/tests/unit/smtj/%: $(O)/tests/unit/smtj/%.o $(LIBSMTJ_A)
	$(CC) -o $@ $^ $(SMTJ_LDLIBS) $(LDLIBS_EXTRA)

# test_transport reaches into the private stream.h (the ring protocol).
$(O)/tests/unit/smtj/test_transport.o: CPPFLAGS += -I$(TOP)/lib/smtj
$(O)/tests/unit/smtj/test_transport: LDLIBS_EXTRA := -lpthread
