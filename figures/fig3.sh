#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fig3.sh OUTDIR: the paper's Fig. 3, single-layer ANP on MNIST against
# five settings, one at a time with the others at the reference's: the
# learning rate, the scale of Gaussian noise, the Bernoulli scale alpha,
# the number of summed junctions n and their probability p; BP on the same
# layer is the line to compare with.  Each panel is a sweep (smtj-sweep
# plan, run by GNU parallel, merged to CSV).
# Environment: FIG3_SEEDS (42..44), FIG3_EPOCHS (3), FIG3_ARCH (784-10),
# FIG3_LIMIT (training images, 0 = all), FIG3_JOBS (parallel runs, 2),
# FIG3_LR, FIG3_SIGMA, FIG3_ALPHA, FIG3_N, FIG3_P (the values, comma
# separated), SMTJ_TRAIN, SMTJ_SWEEP, MNIST (directory), FIG_BUDGET (s).
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh uses it
me=fig3
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${SMTJ_TRAIN:?}" "${SMTJ_SWEEP:?}" "${MNIST:?}"
seeds=${FIG3_SEEDS:-42..44}
epochs=${FIG3_EPOCHS:-3}
arch=${FIG3_ARCH:-784-10}
limit=${FIG3_LIMIT:-0}
# shellcheck disable=SC2034 # fig_sweep (lib.sh) uses it
jobs=${FIG3_JOBS:-2}
# 0.1 * 2^-k, the paper's grid of rates
lrs=${FIG3_LR:-1.25e-2,3.125e-3,7.8125e-4,1.953125e-4,4.8828125e-5,1.220703125e-5}
sigmas=${FIG3_SIGMA:-1e-4,1e-3,1e-2,1e-1,1}
alphas=${FIG3_ALPHA:-1e-4,1e-3,1.25e-2,1e-1,1}
ns=${FIG3_N:-1,2,4,8,16}
ps=${FIG3_P:-0.1,0.3,0.5,0.7,0.9}
# The rate of the noise panels: 0.1 * 2^-7, in the rate panel's grid
# (the reference's 4.8828e-5 is tuned for five epochs of the deep net).
lr0=${FIG3_LR0:-7.8125e-4}
rm -rf "$out"
fig_begin "${FIG_BUDGET:-900}"
common=(--dataset mnist --data "$MNIST" --arch "$arch" --epochs "$epochs" --threads 1)
[ "$limit" -gt 0 ] && common+=(--train-limit "$limit")
# A noise grid item from a template and values: specs X1|X2|...
specs() { echo "$2" | tr , '\n' | sed "s|.*|$1|" | paste -sd'|'; }
fig_sweep lr --grid "lr=$lrs" --grid "seed=$seeds" -- --rule anp "${common[@]}"
fig_sweep sigma --grid "noise=$(specs 'gauss:sigma=&' "$sigmas")" --grid "seed=$seeds" -- \
	--rule anp --lr "$lr0" "${common[@]}"
fig_sweep alpha --grid "noise=$(specs 'bernoulli:sigma=&' "$alphas")" --grid "seed=$seeds" -- \
	--rule anp --lr "$lr0" "${common[@]}"
fig_sweep n --grid "noise=$(specs 'bernoulli:h=&' "$ns")" --grid "seed=$seeds" -- \
	--rule anp --lr "$lr0" "${common[@]}"
fig_sweep p --grid "noise=$(specs 'bernoulli:p=&' "$ps")" --grid "seed=$seeds" -- \
	--rule anp --lr "$lr0" "${common[@]}"
fig_sweep bp --grid "seed=$seeds" -- --rule bp "${common[@]}"

# One row per run at its last epoch: panel, x (the swept value), seed,
# test accuracy; then the mean and range over seeds per point.
for p in lr sigma alpha n p bp; do
	awk -F, -v panel="$p" -v last="$epochs" '
	NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	$c["epoch"] == last {
		x = panel == "lr" ? $c["lr"] : panel == "bp" ? 0 : $c["noise"]
		gsub(/"/, "", x); sub(/.*=/, "", x)
		printf "%s,%s,%s,%s,%s\n", panel, x, $c["seed"], $c["test_acc"], $c["test_loss"]
	}' "$out/$p/results.csv"
done | { echo "panel,x,seed,test_acc,test_loss"; cat; } >"$out/runs.csv"
fig_range panel,x <"$out/runs.csv" >"$out/fig3.csv"
note "gnuplot figures/fig3.gp:"
run gnuplot -e "dir='$out'" "$here/fig3.gp"
fig_end
