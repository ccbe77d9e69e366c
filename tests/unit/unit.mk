# SPDX-License-Identifier: GPL-2.0-or-later
#
# What the host test fragments below share.

# $(call script_test,PROGRAM): recipe writing $@, the test program that
# runs the shell test $< on PROGRAM (absolute paths: it runs from anywhere),
# passing on its own arguments.
define script_test
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec %s %s "$$@"\n' $(TOP)/$< $(1) >$@
	chmod +x $@
endef
