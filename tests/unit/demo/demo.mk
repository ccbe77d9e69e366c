# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo's host side (demo/show.sh) with a stand-in VM: streaming, the
# curve and the summary, and that no process of it is left.

DEMO_SHOW_TEST := $(O)/tests/unit/demo/test-demo-show
UNIT_TESTS += $(DEMO_SHOW_TEST)
HOST_ONLY_TESTS += $(DEMO_SHOW_TEST)
$(DEMO_SHOW_TEST): tests/unit/demo/test-demo-show.sh tests/unit/tap.sh demo/show.sh
	$(call script_test,$(TOP)/demo/show.sh)
