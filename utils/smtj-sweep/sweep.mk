# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-sweep: grids of smtj-train runs for GNU parallel and Slurm (a POSIX
# shell script; "built" by copying it beside the other tools).

SMTJ_SWEEP := $(O)/utils/smtj-sweep/smtj-sweep
TOOLS += $(SMTJ_SWEEP)

$(SMTJ_SWEEP): utils/smtj-sweep/smtj-sweep
	@mkdir -p $(dir $@)
	cp $< $@
	chmod 755 $@
