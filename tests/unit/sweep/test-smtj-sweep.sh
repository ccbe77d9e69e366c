#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-sweep end to end: a grid becomes one smtj-train line per run; GNU
# parallel runs it and resumes from its joblog after an interruption
# without rerunning finished runs; a real single-node Slurm (started here,
# stopped on exit) runs the same sweep as a job array, and both merge into
# the same CSV rows (timing columns excepted: runs are deterministic given
# seed and threads).  Malformed grids are rejected.
# Usage: test-smtj-sweep.sh SMTJ-SWEEP SMTJ-TRAIN
set -u
S=$1
T=$2
here=$(cd "$(dirname "$0")" && pwd)
# Under the build directory (Slurm's socket and spool live there too).
D=$(mktemp -d "${SMTJ_SWEEP_TMP:-/tmp}/smtj-sweep-test.XXXXXX")
. "$here/slurm-node.sh"
. "$here/../tap.sh"
trap 'slurm_stop; rm -rf "$D" "$D.pattern"' EXIT
# Processes still running with $1 in their command line (the pattern
# from a file beside $D, so that grep's own command line does not match).
left() {
	printf '%s\n' "$1" >"$D.pattern"
	grep -laFf "$D.pattern" /proc/[0-9]*/cmdline 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/cmdline$|\1|' | grep -vx "$$" || true
}
# A merged CSV without its timing columns (seconds, samples_per_s).
notime() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds" || $i == "samples_per_s") drop[i] = 1 }
	{ s = ""; for (i = 1; i <= NF; i++) if (!drop[i]) s = s (s == "" ? "" : ",") $i; print s }' "$1"
}

# A 2 x 3 grid of the teacher task, 30 epochs each.
G=(--grid lr=1e-3,3e-3 --grid seed=1..3 --train "$T" --
   --dataset teacher:2-2-2-1 --epochs 30 --threads 1 --noise junction:)
"$S" plan "$D/p" "${G[@]}" >/dev/null
ok $? "plan a 2 x 3 grid"
[ "$(wc -l <"$D/p/jobs")" -eq 6 ] && [ "$(sed -n 1p "$D/p/params.csv")" = id,lr,seed ] &&
	[ "$(sed -n 7p "$D/p/params.csv")" = 6,3e-3,3 ]
ok $? "6 job lines; params.csv id,lr,seed with the last key varying fastest"
grep -q -- "--lr '3e-3' --seed '2' " "$D/p/jobs" && grep -q -- "--output '$D/p/runs/5.json'" "$D/p/jobs"
ok $? "job lines carry the grid's options and their own results file"

if command -v parallel >/dev/null; then
	"$S" parallel "$D/p" -j 2 && "$S" merge "$D/p" 2>/dev/null >/dev/null
	ok $? "GNU parallel runs the sweep; merge"
	[ "$(wc -l <"$D/p/results.csv")" -eq $((1 + 6 * 30)) ] &&
		head -1 "$D/p/results.csv" | grep -q '^id,lr,seed,epoch,train_loss,' &&
		grep -q '^6,3e-3,3,30,' "$D/p/results.csv"
	ok $? "merged CSV: 180 rows (6 runs x 30 epochs), the parameters as columns"

	# Interrupt a sweep of slower runs, then rerun it: the runs the
	# joblog records as finished are not run again.
	"$S" plan "$D/r" --grid seed=1..6 --train "$T" -- \
		--dataset teacher:2-64-64-1,n=20000 --epochs 3 --batch 10 >/dev/null
	"$S" parallel "$D/r" -j 1 >/dev/null 2>&1 &
	pid=$!
	for i in $(seq 600); do
		[ "$(awk 'NR > 1 && $7 == 0' "$D/r/joblog" 2>/dev/null | wc -l)" -ge 2 ] && break
		sleep 0.1
	done
	# As a lost session: parallel and the run it started die at once.
	kill -KILL $pid
	kill -KILL $(left "$D/r/") 2>/dev/null
	wait $pid 2>/dev/null
	for i in $(seq 50); do [ -z "$(left "$D/r/")" ] && break; sleep 0.1; done
	[ -z "$(left "$D/r/")" ]; ok $? "interrupted sweep: no run left running"
	first=$(awk 'NR > 1 && $7 == 0 { print $1 }' "$D/r/joblog" | sort -n | tr '\n' ' ')
	stamps=$(for s in $first; do stat -c %Y.%y "$D/r/runs/$s.json"; done)
	[ -n "$first" ] && [ "$(echo $first | wc -w)" -lt 6 ]
	ok $? "interrupted after runs $first(of 6)"
	"$S" parallel "$D/r" -j 2 >/dev/null 2>&1
	ok $? "rerun finishes the sweep"
	again=$(awk 'NR > 1 { print $1 }' "$D/r/joblog" | sort -n | uniq -d | tr '\n' ' ')
	fin=$(awk 'NR > 1 && $7 == 0 { print $1 }' "$D/r/joblog" | sort -un | wc -l)
	now=$(for s in $first; do stat -c %Y.%y "$D/r/runs/$s.json"; done)
	dup=0
	for s in $first; do
		[ "$(awk -v s=$s 'NR > 1 && $1 == s' "$D/r/joblog" | wc -l)" -eq 1 ] || dup=1
	done
	[ $dup -eq 0 ] && [ "$now" = "$stamps" ] && [ "$fin" -eq 6 ]
	ok $? "rerun: all 6 finished; runs $first not run again (rerun: ${again:-none})"
else
	skip "GNU parallel not installed"
fi

bad() {	# expected message, then arguments
	local want=$1 out st
	shift
	out=$("$S" "$@" 2>&1); st=$?
	[ $st -eq 2 ] && [[ $out == *"$want"* ]]
	ok $? "rejected: $* -> $out"
}
bad "KEY=VALUES" plan "$D/x" --grid lr
bad "KEY=VALUES" plan "$D/x" --grid lr=
bad "need integers" plan "$D/x" --grid seed=1..x
bad "A > B" plan "$D/x" --grid seed=5..1
bad "given twice" plan "$D/x" --grid lr=1 --grid lr=2
bad "set by smtj-sweep" plan "$D/x" --grid output=a,b
bad "set by smtj-sweep" plan "$D/x" --grid lr=1 -- --output f
bad "KEY must be" plan "$D/x" --grid 'l;r=1'
bad "at least one --grid" plan "$D/x" -- --epochs 1
bad "unknown option" plan "$D/x" --epochs 1
bad "missing or empty" parallel "$D/none"
bad "missing" merge "$D/none"
[ ! -e "$D/x" ]; ok $? "rejected plans write nothing"

# Slurm: the same sweep as a job array on a single-node Slurm of our own.
if [ "$(id -u)" -ne 0 ] || ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
	skip "single-node Slurm needs root, slurmctld, slurmd and munged"
elif ! command -v parallel >/dev/null; then
	skip "GNU parallel not installed (the reference)"
else
	t0=$(date +%s)
	slurm_start "$D/slurm/"
	ok $? "single-node Slurm up ($(($(date +%s) - t0)) s)"
	"$S" plan "$D/s" "${G[@]}" >/dev/null && "$S" slurm "$D/s" --cpus-per-task=1 >/dev/null
	ok $? "plan and sweep.sbatch"
	grep -q '^#SBATCH --array=1-6$' "$D/s/sweep.sbatch"; ok $? "an array of 6 tasks"
	job=$(sbatch --parsable "$D/s/sweep.sbatch")
	ok $? "sbatch: job $job"
	# Polled here: sbatch --wait backs off to seconds between polls.
	for i in $(seq 600); do
		[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && break
		sleep 0.1
	done
	[ -z "$(squeue -h -j "$job" 2>/dev/null)" ] && [ "$(ls "$D/s/runs" | wc -l)" -eq 6 ] &&
		! grep -qv '^$' "$D"/s/slurm/*.out
	ok $? "the array ran: 6 results, no output from any task"
	"$S" merge "$D/s" 2>/dev/null >/dev/null &&
		cmp -s <(notime "$D/s/results.csv") <(notime "$D/p/results.csv")
	ok $? "Slurm's merged CSV equals GNU parallel's (timing columns excepted)"
	slurm_stop
	rest=$(left "$D/")
	[ -z "$rest" ]; ok $? "no daemon or job left after stopping ($(for p in $rest; do tr '\0' ' ' </proc/$p/cmdline; done))"
	echo "# Slurm part: $(($(date +%s) - t0)) s"
fi

tap_done
