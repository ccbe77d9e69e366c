# SPDX-License-Identifier: GPL-2.0-or-later
#
# make install / uninstall / install-dkms into a DESTDIR, a program built
# through the installed pkg-config files (tests/install/test-install.sh).
# A host unit test; not cross-built (it runs make and the host's cc).

INSTALL_TEST := $(O)/tests/install/test-install
UNIT_TESTS += $(INSTALL_TEST)
HOST_ONLY_TESTS += $(INSTALL_TEST)

$(INSTALL_TEST): tests/install/test-install.sh tests/install/pkgconfig_user.c \
		$$(LIBS) $$(TOOLS)
	@mkdir -p $(dir $@)
	printf '#!/bin/sh\nexec %s %s %s\n' $(TOP)/$< $(TOP) $(O) >$@
	chmod +x $@
