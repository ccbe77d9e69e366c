#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check`: every stage of the project's test: deps, build and data
# in order, then the rest in two lanes side by side (below).  A stage that
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

# stage NAME COMMAND...: run one stage; its exit status goes to
# $SMTJ_COUNTS/.rc-NAME for the tally.  In a lane (below) its output goes
# to $logs/NAME.log and is printed whole when it ends, under a lock, so
# that two lanes never interleave their lines.
stage() {
	local name=$1
	shift
	local start=$SECONDS cpu rc result
	child_cpu
	cpu=$cpu_now
	if [ -n "${lane:-}" ]; then
		echo "==> $name (lane $lane; log: $logs/$name.log)"
		"$@" >"$logs/$name.log" 2>&1
		rc=$?
	else
		echo "==> $name"
		"$@"
		rc=$?
	fi
	child_cpu
	echo "$rc" >"$SMTJ_COUNTS/.rc-$name"
	# CPU seconds against wall seconds: how much of the 2 cores a stage uses
	result="<== $name: $([ $rc -eq 0 ] && echo ok || echo FAILED) ($((SECONDS - start)) s, $((cpu_now - cpu)) CPU s)"
	if [ -n "${lane:-}" ]; then
		{
			flock 9
			echo "==> $name: output"
			cat "$logs/$name.log"
			echo "$result"
		} 9>"$logs/.print-lock"
	else
		echo "$result"
	fi
	return $rc
}

# tally NAME: add a finished stage's counts.  A stage may write several
# counts files, <name> and <name>-*; one that writes none counts as one
# test.  A stage that failed without a failed count counts one failure.
tally() {
	local name=$1 rc p f
	rc=$(cat "$SMTJ_COUNTS/.rc-$name" 2>/dev/null || echo 1)
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
	return 0
}

# The stages after the build are independent of each other (each builds
# into its own directories; kernels and images are fetched under a lock),
# and each keeps about one core busy at most: most of the VM stages is
# one emulated CPU, and much of the rest waits for it.  So they run in two
# lanes, one per core, balanced by the time each took here (in seconds of
# wall time on a loaded 2-core machine: system 690-760, vm 470-520,
# static 260-310, cross 140-280, unit 90-210, fuzz 135-150).
# SMTJ_CHECK_LANES=1 runs them one after the other, output unbuffered.
lane_a="static system bindings"
lane_b="unit fuzz cross vm"
stage_cmd() {
	case $1 in
	data) $MAKE -s check-data ;;
	# two jobs for the kernel builds of its matrix (arm64, 6.12)
	static) $MAKE -s -j2 check-static ;;
	unit) $MAKE -s check-unit ;;
	fuzz) $MAKE -s check-fuzz ;;
	cross) env CROSS_REQUIRED=1 $MAKE -s check-aarch64 ;;
	bindings) $MAKE -s check-bindings ;;
	vm) $MAKE -s check-vm ;;
	system) $MAKE -s check-system ;;
	esac
}
run_lane() {	# run_lane N STAGES...
	local lane=$1 name
	shift
	for name in "$@"; do stage "$name" stage_cmd "$name"; done
}
logs=$build/check-logs
rm -rf "$logs"
mkdir -p "$logs"
lanes=${SMTJ_CHECK_LANES:-2}
[ "$(nproc)" -lt 2 ] && lanes=1

# Later stages need the earlier ones: stop at a failed install or build.
all="deps build"
if stage deps "$top/scripts/install-deps.sh" && stage build $MAKE -s all; then
	all="$all data $lane_a $lane_b"
	stage data stage_cmd data
	if [ "$lanes" -ge 2 ]; then
		# shellcheck disable=SC2086 # the lists split into stage names
		run_lane a $lane_a &
		a=$!
		# shellcheck disable=SC2086
		run_lane b $lane_b &
		b=$!
		wait "$a" "$b"
	else
		for name in $lane_a $lane_b; do stage "$name" stage_cmd "$name"; done
	fi
fi
for name in $all; do tally "$name"; done

# The end of each failed stage's log once more, last: a CI page that shows
# only the end of the output then still shows why.
if [ -n "$failed_stages" ] && [ "$lanes" -ge 2 ]; then
	for name in $failed_stages; do
		[ -e "$logs/$name.log" ] || continue
		echo "==> $name failed; the last 35 lines of $logs/$name.log:"
		tail -n 35 "$logs/$name.log"
	done
fi
[ -n "$failed_stages" ] && echo "failed stages:$failed_stages"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ -z "$failed_stages" ]
