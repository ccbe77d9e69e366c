# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash disable=SC2154
# (out and me are set by the script that sources this)
#
# Sourced by the figure scripts: every command that makes a figure's data
# goes through run(), which appends it, quoted for sh, to the figure's
# commands.sh before running it, so the file replays the figure exactly.
# Needs $out (the figure's results directory) and $me.

# $1 quoted for sh
fig_quote() {
	case $1 in
	'' | *[!A-Za-z0-9_./=:,+@%-]*) printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")" ;;
	*) printf '%s' "$1" ;;
	esac
}

# fig_begin BUDGET-SECONDS: start commands.sh and the clock.
fig_begin() {
	fig_budget=$1
	fig_t0=$(date +%s)
	mkdir -p "$out"
	{
		echo "#!/bin/sh"
		echo "# $me: the commands that made this directory's data, in order"
		echo "# (written by figures/$me.sh on $(date -u +%Y-%m-%dT%H:%MZ), $(uname -n))."
		echo "set -eu"
	} >"$out/commands.sh"
	echo "$me: time budget $((fig_budget / 60)) min; results in $out"
}

run() {
	local a line=""
	for a in "$@"; do line="$line${line:+ }$(fig_quote "$a")"; done
	echo "$line" >>"$out/commands.sh"
	"$@"
}

# run_to FILE CMD...: run() with stdout to FILE.
run_to() {
	local f=$1 a line=""
	shift
	for a in "$@"; do line="$line${line:+ }$(fig_quote "$a")"; done
	echo "$line >$(fig_quote "$f")" >>"$out/commands.sh"
	"$@" >"$f"
}

# A comment line in commands.sh.
note() { echo "# $*" >>"$out/commands.sh"; }

# fig_end: wall time against the budget, with the load it ran under.
fig_end() {
	local t=$(($(date +%s) - fig_t0))
	printf 'wall_s=%s budget_s=%s load=%s\n' "$t" "$fig_budget" \
		"$(cut -d' ' -f1-3 /proc/loadavg)" >"$out/time.txt"
	echo "$me: done in $t s (budget $fig_budget s, load $(cut -d' ' -f1-3 /proc/loadavg))"
	[ "$t" -le "$fig_budget" ] || echo "$me: note: over its time budget"
}

# fig_sweep NAME SMTJ-SWEEP-PLAN-ARGS...: a sweep in $out/NAME, planned,
# run by GNU parallel ($jobs at a time) and merged to NAME/results.csv.
fig_sweep() {
	local name=$1
	shift
	run "$SMTJ_SWEEP" plan "$out/$name" --train "$SMTJ_TRAIN" "$@" >/dev/null
	run "$SMTJ_SWEEP" parallel "$out/$name" -j "$jobs"
	run "$SMTJ_SWEEP" merge "$out/$name" 2>/dev/null
}

# fig_range < "a,b,seed,value" rows (with a header): per (a, b) in order
# of appearance, the number of seeds and the mean, lowest and highest value.
fig_range() {
	awk -F, -v head="$1" 'NR > 1 { k = $1 "," $2; if (!(k in n)) { order[++m] = k; lo[k] = hi[k] = $4 }
		n[k]++; s[k] += $4; if ($4 < lo[k]) lo[k] = $4; if ($4 > hi[k]) hi[k] = $4 }
		END { print head ",seeds,acc_mean,acc_min,acc_max"
			for (i = 1; i <= m; i++) { k = order[i]
				printf "%s,%d,%.5f,%s,%s\n", k, n[k], s[k] / n[k], lo[k], hi[k] } }'
}

die() { echo "$me: $*" >&2; exit 1; }
