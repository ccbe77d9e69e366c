# SPDX-License-Identifier: GPL-2.0-or-later
#
# libdanp host unit tests (TAP).

DANP_TESTS := api grad anp decor adam train data threads
DANP_TEST_BINS := $(patsubst %,$(O)/tests/unit/danp/test-%,$(DANP_TESTS))
UNIT_TESTS += $(DANP_TEST_BINS)

$(O)/tests/unit/danp/test-%: $(O)/tests/unit/danp/test-%.o $(LIBDANP_A)
	$(CC) -o $@ $^ $(DANP_LDLIBS)


# The tool's end-to-end test: a copy that knows where the tool is.
SMTJ_TRAIN_TEST := $(O)/tests/unit/danp/test-smtj-train
UNIT_TESTS += $(SMTJ_TRAIN_TEST)
$(SMTJ_TRAIN_TEST): tests/unit/danp/test-smtj-train.sh $(O)/utils/smtj-train/smtj-train
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec %s %s "$$@"\n' $(TOP)/$< $(O)/utils/smtj-train/smtj-train >$@
	chmod +x $@
