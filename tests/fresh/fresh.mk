# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check-fresh`: `make check` of the current commit on a brand-new
# Debian 12 minbase root under $(BUILD)/fresh (scripts/check-fresh.sh).  Not
# part of `make check`; needs root.  SMTJ_FRESH_SHARE_CACHE=1 lets the root
# use the host's download cache.

.PHONY: check-fresh
check-fresh:
	@BUILD='$(BUILD)' $(TOP)/scripts/check-fresh.sh
