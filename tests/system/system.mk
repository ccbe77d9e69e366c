# SPDX-License-Identifier: GPL-2.0-or-later
#
# The system test: the project's .debs installed with apt into a real
# Debian 12 system booted under QEMU, DKMS building the module there
# (tests/system/run.sh), DKMS building for the image's 6.12 amd64 and
# 6.1 arm64 headers in a chroot of the same image on the host
# (tests/system/dkms-kernels.sh), and the arm64 packages compared with the
# amd64 ones (tests/system/arm64-debs.sh).  `make check` runs it as its
# "system" stage; counts go to $SMTJ_COUNTS/system, system-dkms and
# system-arm64.
#
#   make check-system                      make deb deb-arm64, then both
#   make check-system-run SYSTEM_DEBS=DIR  both, on .debs built elsewhere
#
# The image is cached in $(SMTJ_CACHE)/system/ (built on first use).

SYSTEM_DEBS ?= $(BUILD)/deb

.PHONY: check-system check-system-run
check-system: deb deb-arm64
	@$(MAKE) -s --no-print-directory check-system-run

check-system-run:
	@rc=0; \
	KVER='$(KVER)' BUILD='$(BUILD)' $(TOP)/tests/system/run.sh '$(SYSTEM_DEBS)' || rc=1; \
	$(TOP)/tests/system/arm64-debs.sh '$(SYSTEM_DEBS)' || rc=1; \
	exit $$rc
