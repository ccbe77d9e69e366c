# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-sweep end to end: GNU parallel (with an interrupted and resumed
# sweep) and a single-node Slurm started and stopped by the test.  Host
# only: it needs the host's daemons and root.

SWEEP_TEST := $(O)/tests/unit/sweep/test-smtj-sweep
UNIT_TESTS += $(SWEEP_TEST)
HOST_ONLY_TESTS += $(SWEEP_TEST)
$(SWEEP_TEST): tests/unit/sweep/test-smtj-sweep.sh tests/unit/tap.sh tests/unit/sweep/slurm-node.sh \
		$(O)/utils/smtj-sweep/smtj-sweep $(O)/utils/smtj-train/smtj-train
	@mkdir -p $(dir $@) $(O)/tests/unit/sweep/tmp
	printf '#!/bin/sh\nSMTJ_SWEEP_TMP=%s exec %s %s %s "$$@"\n' \
		$(O)/tests/unit/sweep/tmp $(TOP)/$< $(O)/utils/smtj-sweep/smtj-sweep \
		$(O)/utils/smtj-train/smtj-train >$@
	chmod +x $@
