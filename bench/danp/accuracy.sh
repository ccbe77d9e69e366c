#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Reproduce the accuracy experiments (not part of make check): smtj-train's
# defaults, which are the reference MNIST recipe (784-500-500-500-10,
# Bernoulli sigma 0.0125 uncentred, Adam lr 4.8828e-5, eps_R 1.9073e-7 with
# the decorrelation centring bias, B 64), for the reference's seeds 42-46
# (SEEDS overrides), and BP (Adam lr 0.1*2^-9, loss summed), 5 epochs
# each.  The reference's test accuracy is the noisy evaluation
# (test_acc_noisy); the clean one is shown beside it.
# Extra options (e.g. --no-decor-center) make it another recipe: name the
# output directory after them.
# Usage: accuracy.sh [OUTDIR] [extra smtj-train options]
set -eu

TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT=${1:-$TOP/build/accuracy}
[ $# -gt 0 ] && shift
TRAIN=${SMTJ_TRAIN:-$TOP/build/host/utils/smtj-train/smtj-train}
THREADS=${THREADS:-1}
SEEDS=${SEEDS:-42 43 44 45 46}
mkdir -p "$OUT"
"$TOP/scripts/fetch-mnist.sh"

run() {
	name=$1
	shift
	echo "== $name" >&2
	"$TRAIN" --dataset mnist --data "$TOP/data/mnist" --epochs 5 \
		--threads "$THREADS" --no-progress --format json \
		--output "$OUT/$name.json" "$@"
}

for s in $SEEDS; do
	run "danp-seed$s" --rule danp --seed "$s" "$@"
done
run bp-seed42 --rule bp --seed 42 "$@"

# Summary: noisy test accuracy per epoch (clean in parentheses), then the
# mean of the DANP seeds.
for f in "$OUT"/*.json; do
	printf '%-16s' "$(basename "$f" .json)"
	sed -n 's/.*"test_acc": \([0-9.]*\), "test_acc_noisy": \([0-9.]*\).*/\1 \2/p' "$f" |
		awk '{ printf " %5.2f(%5.2f)", 100 * $2, 100 * $1 } END { print "" }'
done
# Per epoch, the DANP seeds' mean and standard deviation: with 5 seeds the
# mean's standard error is SD/sqrt(5), the yardstick for a comparison.
for e in 1 2 3 4 5; do
	for f in "$OUT"/danp-seed*.json; do
		sed -n "s/.*\"epoch\": $e,.*\"test_acc_noisy\": \\([0-9.]*\\),.*/\\1/p" "$f"
	done | awk -v e="$e" '{ s += $1; q += $1 * $1; if (min == "" || $1 < min) min = $1; n++ }
		END { if (!n) exit
			sd = n > 1 ? sprintf(", SD %.2f", 100 * sqrt((q - s * s / n) / (n - 1))) : ""
			printf "DANP epoch %d, noisy test accuracy: mean %.2f %%%s, min %.2f %% over %d seeds\n",
				e, 100 * s / n, sd, 100 * min, n }'
done

# Curves: one column per run (noisy test accuracy, %), and a plot when
# gnuplot is installed.
runs=$(ls "$OUT"/*.json | xargs -n 1 basename | sed 's/\.json$//')
{
	echo "# epoch $(echo $runs)"
	for e in 1 2 3 4 5; do
		printf '%d' "$e"
		for r in $runs; do
			a=$(sed -n "s/.*\"epoch\": $e,.*\"test_acc_noisy\": \\([0-9.]*\\),.*/\\1/p" "$OUT/$r.json")
			printf ' %s' "$(awk -v a="${a:-nan}" 'BEGIN { printf "%.2f", 100 * a }')"
		done
		echo
	done
} >"$OUT/accuracy.dat"
if command -v gnuplot >/dev/null 2>&1; then
	cols=$(echo $runs | wc -w)
	gnuplot <<GP
set terminal svg size 640,400
set output "$OUT/accuracy.svg"
set xlabel "epoch"; set ylabel "noisy test accuracy (%)"; set key bottom right
set title "MNIST 784-500-500-500-10"
plot for [i=2:$((cols + 1))] "$OUT/accuracy.dat" using 1:i with linespoints title columnhead(i)
GP
	echo "curves: $OUT/accuracy.dat, $OUT/accuracy.svg"
fi
