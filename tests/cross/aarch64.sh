#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# All of userspace for aarch64: cross-build libsmtj, libdanp, the tools and
# the host unit tests with the project's own make rules and flags (the top
# Makefile, O=BUILDDIR/cross/aarch64, CC=aarch64-linux-gnu-gcc), then run
# every unit test under qemu-aarch64-static.  The arm64 library packages
# (OpenBLAS, zlib, liburing, FFTW) are downloaded and unpacked into
# BUILDDIR/cross/arm64-root, never installed.
#
# Prints TAP: one point for the build, one per test program (ok when it
# exits 0 with a complete plan and no failed point); writes the counts to
# $SMTJ_COUNTS/cross for scripts/check.sh and exits nonzero on any failure.
# Skips, with a reason, when the cross compiler, qemu-user-static or the
# packages are unavailable; with CROSS_REQUIRED=1 (make check) a skip fails.
#
# Usage: aarch64.sh BUILDDIR TESTS -- SCRIPT_TESTS
#   TESTS         unit-test programs, relative to the build's O
#                 (e.g. tests/unit/smtj/test_noise)
#   SCRIPT_TESTS  the unit tests that are scripts around a tool, by name
#                 (test-smtj-train, test_tools): run here with the aarch64
#                 tools behind qemu wrappers
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=${1:-$TOP/build}
shift
OUT=$BUILD/cross/aarch64
ROOT=$BUILD/cross/arm64-root
CROSS=aarch64-linux-gnu-
QEMU=qemu-aarch64-static
# test-smtj-train is told it runs emulated (SMTJ_TRAIN_EMULATED=1): its
# interrupt and resume tests then train a smaller network (one epoch of the
# host's took 30 CPU s under qemu, the test 385 s in all).
TIMEOUT=${CROSS_TEST_TIMEOUT:-900}
PKGS="libopenblas-dev:arm64 libopenblas0-pthread:arm64 libopenblas-pthread-dev:arm64
libgfortran5:arm64 zlib1g:arm64 zlib1g-dev:arm64 liburing-dev:arm64 liburing2:arm64
libfftw3-dev:arm64 libfftw3-double3:arm64"

tests=()
scripts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do tests+=("$1"); shift; done
[ $# -gt 0 ] && shift
scripts=("$@")

counts() {
	[ -n "${SMTJ_COUNTS:-}" ] && echo "$1 $2" >"$SMTJ_COUNTS/cross"
}
# make check sets CROSS_REQUIRED=1: there a skip is a failure.
skip() {
	echo "1..0 # SKIP $*"
	if [ "${CROSS_REQUIRED:-0}" = 1 ]; then counts 0 1; exit 1; fi
	exit 0
}

command -v ${CROSS}gcc >/dev/null || skip "no ${CROSS}gcc (gcc-aarch64-linux-gnu)"
command -v $QEMU >/dev/null || skip "no $QEMU (qemu-user-static)"
[ ${#tests[@]} -gt 0 ] || skip "no test programs named (run through make check-aarch64)"
want=$(echo $PKGS)
if [ "$(cat "$ROOT/.done" 2>/dev/null)" != "$want" ]; then
	# Unpacked, not installed: no multiarch installation is needed beyond
	# the package index (dpkg --add-architecture arm64, apt-get update).
	# The .debs are kept in the cache outside the clone (SMTJ_CACHE).
	debs=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}/cross-arm64-debs
	if [ "$(cat "$debs/.done" 2>/dev/null)" != "$want" ]; then
		rm -rf "$debs"
		mkdir -p "$debs"
		(cd "$debs" && apt-get download $PKGS >/dev/null 2>&1) ||
			skip "cannot download the arm64 packages (dpkg --add-architecture arm64?)"
		echo "$want" >"$debs/.done"
	fi
	rm -rf "$ROOT"
	mkdir -p "$ROOT"
	for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$ROOT"; done
	echo "$want" >"$ROOT/.done"
fi

# The arm64 packages' headers are system headers, as on an arm64 machine;
# the update-alternatives links of OpenBLAS are not made by dpkg-deb -x, so
# name its pthread variant directly.  -L and -rpath-link matter only when
# linking.
LIB=$ROOT/usr/lib/aarch64-linux-gnu
BLAS=$LIB/openblas-pthread
CC="${CROSS}gcc -isystem $ROOT/usr/include/aarch64-linux-gnu/openblas-pthread
-isystem $ROOT/usr/include/aarch64-linux-gnu -isystem $ROOT/usr/include
-L$BLAS -L$LIB -Wl,-rpath-link,$BLAS:$LIB"
# The sysroot of the cross toolchain, and the unpacked libraries, for the
# guest only (-E does not touch the environment of qemu's host children).
# The sysroot's lib/ comes first: its libc matches the ld.so that -L gives.
# Where arm64 packages are installed on the host (make deb-arm64 installs
# its build-deps), the loader otherwise took that other libc from the
# host's /lib/aarch64-linux-gnu, and OpenBLAS's thread start-up then hung.
SYSROOT_LIB=/usr/${CROSS%-}/lib
RUN=($QEMU -L /usr/${CROSS%-} -E LD_LIBRARY_PATH=$SYSROOT_LIB:$BLAS:$LIB)

# Build with the top Makefile's rules and flags (ALL_CFLAGS, per-area -O3
# and library lists).  At most two jobs; a clean MAKEFLAGS so an outer make
# neither shares its jobserver nor passes its variables.
progs=(utils/smtj-train/smtj-train utils/smtjcat/smtjcat utils/smtjctl/smtjctl
	utils/smtjstat/smtjstat "${tests[@]}")
mkdir -p "$OUT"
start=$SECONDS
MAKEFLAGS= make -C "$TOP" -k -j2 -s O="$OUT" CC="$(echo $CC)" \
	AR=${CROSS}ar libs "${progs[@]/#/$OUT/}" >"$OUT/build.log" 2>&1
st=$?
bad=
for p in "${progs[@]}" lib/libsmtj.so lib/libdanp.so; do
	${CROSS}readelf -h "$OUT/$p" 2>/dev/null | grep -q 'Machine:.*AArch64' ||
		bad="$bad $p"
done
sed 's/^/# /' "$OUT/build.log"
n=1
pass=0
fail=0
if [ $st -eq 0 ] && [ -z "$bad" ]; then
	echo "ok 1 - aarch64 build: libsmtj, libdanp, 4 tools, ${#tests[@]} unit-test programs ($((SECONDS - start)) s)"
	pass=1
else
	echo "not ok 1 - aarch64 build (make exit $st; not AArch64 or missing:${bad:- none})"
	fail=1
fi

# Wrappers for the script tests: each tool run under qemu.  exec keeps the
# pid, so a signal sent to the wrapper reaches the program.
W=$OUT/qemu-tools
for t in smtj-train smtjcat smtjctl smtjstat; do
	mkdir -p "$W/$t"
	printf '#!/bin/sh\nexec %s "%s" "$@"\n' "${RUN[*]}" "$OUT/utils/$t/$t" >"$W/$t/$t"
	chmod +x "$W/$t/$t"
done
# The commands: an ELF test runs under qemu; a script test runs on the
# host with the tools behind the wrappers.
declare -A cmd
names=()
for t in "${tests[@]}"; do
	names+=("$t")
	cmd[$t]="$(printf '%q ' "${RUN[@]}" "$OUT/$t")"
done
for s in "${scripts[@]}"; do
	names+=("$s")
	case $s in
	test-smtj-train | test-smtj-tasks)
		cmd[$s]="$(printf '%q ' env SMTJ_TRAIN_EMULATED=1 "$TOP/tests/unit/danp/$s.sh" "$W/smtj-train/smtj-train")" ;;
	test_tools)
		cmd[$s]="$(printf '%q ' env SMTJ_TOOLS="$W" "$TOP/tests/unit/smtj/test_tools.sh")" ;;
	*)
		cmd[$s]="echo 'no aarch64 runner for the script test $s'; false" ;;
	esac
done

# Two at a time (the 2 cores of make -j2), longest first by the times of
# the previous run; each writes its output, exit status and seconds.
R=$OUT/results
mkdir -p "$R"
key() { echo "${1//\//_}"; }
run_one() {
	local k s=$SECONDS
	k=$(key "$1")
	timeout $TIMEOUT bash -c "${cmd[$1]}" >"$R/$k.out" 2>&1
	echo $? >"$R/$k.rc"
	echo $((SECONDS - s)) >"$R/$k.time"
}
mapfile -t order < <(for t in "${names[@]}"; do
	k=$(key "$t")
	echo "$(cat "$R/$k.time" 2>/dev/null || echo 0) $t"
	rm -f "$R/$k.rc" "$R/$k.out"
done | sort -s -k1,1nr | cut -d' ' -f2-)
for t in "${order[@]}"; do
	while [ "$(jobs -rp | wc -l)" -ge 2 ]; do wait -n; done
	run_one "$t" &
done
wait

# One point per program, judged as tests/run-unit.sh judges it.
subs=0
for t in "${names[@]}"; do
	k=$(key "$t")
	name=${t##*/}
	st=$(cat "$R/$k.rc" 2>/dev/null || echo 1)
	out=$(cat "$R/$k.out" 2>/dev/null)
	printf '%s\n' "$out" | sed "s|^|# $name: |"
	p=$(printf '%s\n' "$out" | grep -cE '^ok ')
	f=$(printf '%s\n' "$out" | grep -cE '^not ok ')
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9]*\).*/\1/p' | tail -n 1)
	n=$((n + 1))
	subs=$((subs + p))
	if [ "$st" -eq 0 ] && [ "$f" -eq 0 ] && [ -n "$plan" ] && [ "$p" -eq "$plan" ]; then
		echo "ok $n - $name under $QEMU ($p points, $(cat "$R/$k.time") s)"
		pass=$((pass + 1))
	else
		echo "not ok $n - $name under $QEMU (exit $st, plan ${plan:-none}, $p ok, $f not ok)"
		fail=$((fail + 1))
	fi
done
echo "# $subs test points passed inside the programs; $((SECONDS - start)) s in all"
echo "1..$n"
counts $pass $fail
[ $fail -eq 0 ]
