# SPDX-License-Identifier: GPL-2.0-or-later
#
# make deb             Debian packages for this machine's architecture
# make deb-arm64       the same, cross-built for arm64
#                      (also: make deb DEB_HOST_ARCH=arm64)
#
# The packages (smtj-dkms, libsmtj1, libsmtj-dev, libdanp1, libdanp-dev,
# smtj-utils, python3-smtj; not in cross-builds) land in $(BUILD)/deb/ with lintian's report; debian/ holds
# the packaging, packaging/build-deb.sh runs dpkg-buildpackage on a copy of
# the tree.  Documentation/admin-guide/smtj-install.rst.

DEB_OUT ?= $(BUILD)/deb
DEB_HOST_ARCH ?= $(shell dpkg-architecture -qDEB_HOST_ARCH 2>/dev/null)

.PHONY: deb deb-arm64
deb:
	@$(TOP)/packaging/build-deb.sh $(DEB_OUT) $(DEB_HOST_ARCH)
deb-arm64:
	@$(TOP)/packaging/build-deb.sh $(DEB_OUT) arm64

STATIC_CHECKS += packaging-version packaging-symbols
.PHONY: packaging-version packaging-symbols
packaging-version:
	@$(TOP)/packaging/version-check.sh
packaging-symbols: $(LIBSMTJ_SO) $(LIBDANP_SO)
	@$(TOP)/packaging/symbols-check.sh $(O)/lib
