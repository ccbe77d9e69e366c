#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# danp-bench for arm64: cross-built with the arm64 OpenBLAS (NEON kernels)
# by the project's make rules, as tests/cross/aarch64.sh builds userspace,
# then run briefly under qemu-aarch64-static.  Under qemu the FLOP rate is
# an emulator's, reported only as a functional check (the binary trains and
# its accuracy moves); Documentation/learning/results.rst says what to
# expect on a Raspberry Pi and how to measure it there.
# Usage: aarch64.sh BUILDDIR JSON
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$TOP/build}
JSON=${2:-$BUILD/bench/danp-aarch64-qemu.json}
OUT=$BUILD/cross/aarch64
ROOT=$BUILD/cross/arm64-root
CROSS=aarch64-linux-gnu-
QEMU=qemu-aarch64-static
command -v ${CROSS}gcc >/dev/null || { echo "skip: no ${CROSS}gcc"; exit 0; }
command -v $QEMU >/dev/null || { echo "skip: no $QEMU"; exit 0; }
# The unpacked arm64 packages: made by the cross test (one program; its
# verdict is make check-aarch64's business).
[ -f "$ROOT/.done" ] ||
	"$TOP/tests/cross/aarch64.sh" "$BUILD" tests/unit/danp/test-api -- >/dev/null
[ -f "$ROOT/.done" ] || { echo "aarch64: cannot prepare $ROOT"; exit 1; }
LIB=$ROOT/usr/lib/aarch64-linux-gnu
BLAS=$LIB/openblas-pthread
CC="${CROSS}gcc -isystem $ROOT/usr/include/aarch64-linux-gnu/openblas-pthread
-isystem $ROOT/usr/include/aarch64-linux-gnu -isystem $ROOT/usr/include
-L$BLAS -L$LIB -Wl,-rpath-link,$BLAS:$LIB"
MAKEFLAGS= make -C "$TOP" -s O="$OUT" CC="$(echo $CC)" AR=${CROSS}ar \
	"$OUT/bench/danp/danp-bench" >"$OUT/bench-build.log" 2>&1 ||
	{ cat "$OUT/bench-build.log"; exit 1; }
mkdir -p "$(dirname "$JSON")"
# 20 batches: seconds of emulation, enough to see the loss fall.
$QEMU -L /usr/${CROSS%-} -E LD_LIBRARY_PATH=/usr/${CROSS%-}/lib:$BLAS:$LIB \
	"$OUT/bench/danp/danp-bench" --data "$TOP/data/mnist" --threads 1 \
	--no-sgemm --max-batches 20 --json "$JSON" || exit 1
sed -n 's/.*"\(blas_core\|gflops\|test_acc_noisy\|mean_seconds_per_epoch\)": "\{0,1\}\([^",]*\).*/\1=\2/p' "$JSON" |
	tr '\n' ' ' | sed 's/^/aarch64 under qemu (functional check, not a speed): /'
echo
