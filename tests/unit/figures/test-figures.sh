#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The figures' plumbing on a tiny grid: figures/fig3.sh with one value per
# panel, one seed and a 40-image MNIST-format set made here (random
# pixels, so the accuracies mean nothing; what is checked is the path).
# Every panel is planned, run by GNU parallel and merged; fig3.csv has one
# row per panel point; the PNG is a PNG; and commands.sh, run again,
# reproduces the merged results (runs are deterministic given seed and
# threads; the timing columns aside).
# Usage: test-figures.sh FIGURES-DIR SMTJ-SWEEP SMTJ-TRAIN
set -u
F=$1
export SMTJ_SWEEP=$2 SMTJ_TRAIN=$3
D=$(mktemp -d "${FIG_TEST_TMP:-/tmp}/figures-test.XXXXXX")
trap 'rm -rf "$D"' EXIT
n=0
fails=0
ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fails=$((fails + 1)); fi
}
# IDX files: COUNT images of 28x28 bytes and their labels, fixed seed.
idx() {
	awk -v n="$2" -v kind="$1" 'BEGIN {
		srand(7)
		if (kind == "images") { printf "%c%c%c%c", 0, 0, 8, 3; dims = 3 }
		else { printf "%c%c%c%c", 0, 0, 8, 1; dims = 1 }
		printf "%c%c%c%c", 0, 0, 0, n
		if (dims == 3) printf "%c%c%c%c%c%c%c%c", 0, 0, 0, 28, 0, 0, 0, 28
		for (i = 0; i < n * (dims == 3 ? 784 : 1); i++)
			printf "%c", int(rand() * (kind == "images" ? 256 : 10))
	}'
}
mkdir -p "$D/mnist"
export LC_ALL=C
idx images 40 >"$D/mnist/train-images-idx3-ubyte"
idx labels 40 >"$D/mnist/train-labels-idx1-ubyte"
idx images 20 >"$D/mnist/t10k-images-idx3-ubyte"
idx labels 20 >"$D/mnist/t10k-labels-idx1-ubyte"
export MNIST=$D/mnist FIG3_SEEDS=1..1 FIG3_EPOCHS=1 FIG3_LR=1e-3 FIG3_SIGMA=1e-2 \
	FIG3_ALPHA=1e-2 FIG3_N=2 FIG3_P=0.3 FIG3_JOBS=2 FIG_BUDGET=600
"$F/fig3.sh" "$D/out" >"$D/log" 2>&1
ok $? "fig3.sh on a tiny grid"
[ "$(sed -n 1p "$D/out/fig3.csv")" = panel,x,seeds,acc_mean,acc_min,acc_max ] &&
	[ "$(tail -n +2 "$D/out/fig3.csv" | cut -d, -f1,2,3 | paste -sd' ')" = \
	  "lr,1e-3,1 sigma,1e-2,1 alpha,1e-2,1 n,2,1 p,0.3,1 bp,0,1" ]
ok $? "fig3.csv: one row per panel point, the swept value as x"
[ "$(head -c 8 "$D/out/fig3.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
ok $? "fig3.png is a PNG"
grep -q "^$(printf '%q' "$SMTJ_SWEEP") plan $D/out/sigma .*--grid noise=gauss:sigma=1e-2 " "$D/out/commands.sh" &&
	grep -q "^gnuplot -e " "$D/out/commands.sh" && grep -q '^wall_s=[0-9]* budget_s=600 load=' "$D/out/time.txt"
ok $? "commands.sh names every step; time.txt the wall time and budget"
# commands.sh again: the same rows (timing columns aside)
notime() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "seconds" || $i == "samples_per_s") drop[i] = 1 }
	{ s = ""; for (i = 1; i <= NF; i++) if (!drop[i]) s = s "," $i; print s }' "$1"
}
for p in lr n bp; do notime "$D/out/$p/results.csv" >"$D/$p.before"; done
rm -rf "$D/out/lr" "$D/out/n" "$D/out/bp"
sh "$D/out/commands.sh" >/dev/null 2>&1
r=$?
for p in lr n bp; do notime "$D/out/$p/results.csv" | cmp -s - "$D/$p.before" || r=1; done
ok $r "commands.sh replays the figure: the same results"
# a panel whose runs fail makes the target fail
FIG3_LR=not-a-rate "$F/fig3.sh" "$D/bad" >/dev/null 2>&1
[ $? -ne 0 ]
ok $? "a failing run fails the figure"
[ $fails -eq 0 ] || sed 's/^/# /' "$D/log"
echo "1..$n"
[ $fails -eq 0 ]
