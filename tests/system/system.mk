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
#   make check-system                      make deb, then the VM while
#                                          make deb-arm64 and the comparison run
#   make check-system-run SYSTEM_DEBS=DIR  both, on .debs built elsewhere
#
# The image is cached in $(SMTJ_CACHE)/system/ (built on first use).

SYSTEM_DEBS ?= $(BUILD)/deb
# The amd64 packages the VM installs, copied before deb-arm64 starts: that
# build replaces the arch: all ones in $(SYSTEM_DEBS) while the VM runs.
SYSTEM_AMD64_DEBS = $(BUILD)/system-debs

.PHONY: check-system check-system-run
# The arm64 packages are built while the VM runs: most of what the
# emulated system does (its boot, apt, depmod) runs one process at a time
# and leaves the second core to the host.
check-system: deb
	@rm -rf '$(SYSTEM_AMD64_DEBS)' && mkdir -p '$(SYSTEM_AMD64_DEBS)' && \
	cp '$(SYSTEM_DEBS)'/*_amd64.deb '$(SYSTEM_DEBS)'/*_all.deb '$(SYSTEM_AMD64_DEBS)'/ || exit 1; \
	rc=0; \
	KVER='$(KVER)' BUILD='$(BUILD)' $(TOP)/tests/system/run.sh '$(SYSTEM_AMD64_DEBS)' & vm=$$!; \
	{ $(MAKE) -s --no-print-directory deb-arm64 && \
		$(TOP)/tests/system/arm64-debs.sh '$(SYSTEM_DEBS)'; } || rc=1; \
	wait $$vm || rc=1; \
	exit $$rc

check-system-run:
	@rc=0; \
	KVER='$(KVER)' BUILD='$(BUILD)' $(TOP)/tests/system/run.sh '$(SYSTEM_DEBS)' || rc=1; \
	$(TOP)/tests/system/arm64-debs.sh '$(SYSTEM_DEBS)' || rc=1; \
	exit $$rc
