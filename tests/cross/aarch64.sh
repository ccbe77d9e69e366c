#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Cross-build libdanp and its C unit tests for aarch64 and run them under
# qemu-aarch64-static; prints TAP (one point per test program, plus the
# build).  Skips, with a reason, when the cross compiler, qemu-user-static
# or the arm64 OpenBLAS/zlib packages are unavailable.
# Usage: cross-aarch64.sh BUILDDIR
set -u
TOP=$(cd "$(dirname "$0")/../../.." && pwd)
OUT=${1:-$TOP/build}/cross/aarch64-danp
ROOT=${1:-$TOP/build}/cross/arm64-danp-root
CC=aarch64-linux-gnu-gcc
TESTS="api grad anp decor adam train data"
PKGS="libopenblas-dev:arm64 libopenblas0-pthread:arm64 libopenblas-pthread-dev:arm64
libgfortran5:arm64 zlib1g:arm64 zlib1g-dev:arm64"

# make check sets CROSS_REQUIRED=1: there a skip is a failure.
skip() {
	echo "1..0 # SKIP $*"
	[ "${CROSS_REQUIRED:-0}" = 1 ] && exit 1
	exit 0
}

command -v $CC >/dev/null || skip "no $CC (gcc-aarch64-linux-gnu)"
command -v qemu-aarch64-static >/dev/null || skip "no qemu-aarch64-static (qemu-user-static)"
if [ ! -e "$ROOT/.done" ]; then
	# The arm64 libraries are unpacked, not installed: no multiarch
	# installation is needed beyond the package index.
	mkdir -p "$ROOT/debs"
	(cd "$ROOT/debs" && apt-get download $PKGS >/dev/null 2>&1) ||
		skip "cannot download arm64 OpenBLAS/zlib (dpkg --add-architecture arm64?)"
	for d in "$ROOT"/debs/*.deb; do dpkg-deb -x "$d" "$ROOT"; done
	touch "$ROOT/.done"
fi
LIB=$ROOT/usr/lib/aarch64-linux-gnu
CFLAGS="-std=c11 -D_GNU_SOURCE -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes
-Wmissing-prototypes -g -I$TOP/lib/include
-I$ROOT/usr/include/aarch64-linux-gnu/openblas-pthread -I$ROOT/usr/include"
# The library's flags as on the host; tests at -O2 as on the host (gcc 12's
# aarch64 vectoriser also crashes on test-adam.c at -O3).
LIBOPT="-O3 -ffp-contract=fast -fno-math-errno -fno-trapping-math"
TESTOPT="-O2"
mkdir -p "$OUT"
n=1
ok=1
for f in "$TOP"/lib/danp/*.c; do
	$CC $CFLAGS $LIBOPT -c "$f" -o "$OUT/$(basename "$f" .c).o" || ok=0
done
for t in $TESTS; do
	$CC $CFLAGS $TESTOPT "$TOP/tests/unit/danp/test-$t.c" "$OUT"/*.o \
		-L"$LIB/openblas-pthread" -L"$LIB" -Wl,-rpath-link,"$LIB" \
		-lopenblas -lz -lm -o "$OUT/test-$t" || ok=0
done
echo "$([ $ok = 1 ] || echo 'not ')ok $n - aarch64 cross build of libdanp and its tests"
for t in $TESTS; do
	n=$((n + 1))
	out=$(LD_LIBRARY_PATH="$LIB/openblas-pthread:$LIB" \
		qemu-aarch64-static -L /usr/aarch64-linux-gnu "$OUT/test-$t" 2>&1)
	st=$?
	printf '%s\n' "$out" | sed 's/^/# /'
	echo "$([ $st -eq 0 ] || echo 'not ')ok $n - test-$t under qemu-aarch64-static"
done
echo "1..$n"
