# SPDX-License-Identifier: GPL-2.0-or-later
#
# make fig3's plumbing on a tiny grid (figures/fig3.sh: smtj-sweep plan,
# GNU parallel, merge, tabulation, gnuplot, commands.sh): not the figure.

FIGURES_TEST := $(O)/tests/unit/figures/test-figures
UNIT_TESTS += $(FIGURES_TEST)
HOST_ONLY_TESTS += $(FIGURES_TEST)
$(FIGURES_TEST): tests/unit/figures/test-figures.sh figures/fig3.sh figures/fig3.gp \
		figures/lib.sh $(O)/utils/smtj-sweep/smtj-sweep $(O)/utils/smtj-train/smtj-train
	@mkdir -p $(dir $@) $(O)/tests/unit/figures/tmp
	printf '#!/bin/sh\nFIG_TEST_TMP=%s exec %s %s %s %s "$$@"\n' \
		$(O)/tests/unit/figures/tmp $(TOP)/$< $(TOP)/figures \
		$(O)/utils/smtj-sweep/smtj-sweep $(O)/utils/smtj-train/smtj-train >$@
	chmod +x $@
