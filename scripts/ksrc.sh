#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Extract the few files of Debian's linux-source-6.1 that the checks need
# (checkpatch.pl and its data, the kselftest harness headers) into
# $1 (default build/ksrc).  Idempotent: does nothing when already there.
set -eu
dest=${1:-build/ksrc}
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
stamp="$dest/.extracted"
[ -f "$stamp" ] && [ "$stamp" -nt "$tarball" ] && exit 0
[ -n "$tarball" ] || { echo "ksrc: linux-source-6.1 is not installed" >&2; exit 1; }
mkdir -p "$dest"
tar -xf "$tarball" -C "$dest" --strip-components=1 \
	linux-source-6.1/scripts/checkpatch.pl \
	linux-source-6.1/scripts/spelling.txt \
	linux-source-6.1/scripts/const_structs.checkpatch \
	linux-source-6.1/tools/testing/selftests/kselftest.h \
	linux-source-6.1/tools/testing/selftests/kselftest_harness.h
touch "$stamp"
