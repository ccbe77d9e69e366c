# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp host unit tests (TAP).

DANP_TESTS := grad anp decor adam train data
DANP_TEST_BINS := $(patsubst %,$(O)/tests/unit/danp/test-%,$(DANP_TESTS))
UNIT_TESTS += $(DANP_TEST_BINS)

$(O)/tests/unit/danp/test-%: $(O)/tests/unit/danp/test-%.o $(LIBDANP_A)
	$(CC) -o $@ $^ $(DANP_LDLIBS)

