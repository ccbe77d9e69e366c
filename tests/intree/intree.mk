# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-intree: kernel/ as drivers/misc/smtj/ inside Debian's
# linux-source-6.1 (tests/intree/intree.sh); the prepared tree is cached
# under $(SMTJ_CACHE)/intree/.

STATIC_CHECKS += smtj-intree
.PHONY: smtj-intree
smtj-intree:
	@nice -n 10 $(TOP)/tests/intree/intree.sh $(BUILD)/intree
