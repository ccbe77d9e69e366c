#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The package list of the system test's image (tests/system/mkimage.sh):
# a booting Debian system, what DKMS needs for the three kernels the test
# builds for, and the dependencies of the amd64/all .debs in DEBDIR
# (not the -dbgsym ones)
# (first alternative, without versions), except the .debs themselves.
# Sorted, one a line; run.sh keys the cached image by this list.
#
#   tests/system/packages.sh DEBDIR
# Environment: KVER (6.1 amd64), KVER612 (6.12 amd64).
set -euo pipefail
debdir=${1:?usage: packages.sh DEBDIR}
: "${KVER:?}" "${KVER612:?}"

base="systemd-sysv udev kmod passwd util-linux e2fsprogs initramfs-tools
linux-image-$KVER linux-headers-$KVER linux-headers-$KVER612
dkms gcc make libc6-dev dwarves gcc-aarch64-linux-gnu binutils"

shopt -s nullglob
debs=()
for d in "$debdir"/*_amd64.deb "$debdir"/*_all.deb; do
	[[ $d == *-dbgsym_* ]] || debs+=("$d")	# debug symbols: not installed
done
[ ${#debs[@]} -gt 0 ] || { echo "packages.sh: no amd64 .debs in $debdir" >&2; exit 1; }
own=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done)
deps=$(for d in "${debs[@]}"; do
	dpkg-deb -f "$d" Depends Pre-Depends | sed 's/^[A-Za-z-]*: //'
done | tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/:any//; s/[[:space:]]//g' | grep -v '^$' || true)
{ echo $base | tr ' ' '\n'; echo "$deps"; } | grep -vxF -f <(echo "$own") | sort -u
