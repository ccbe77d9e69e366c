#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fig5.sh OUTDIR: the paper's Fig. 5, a 2-2-2-1 student learning a random
# 2-2-2-1 teacher, trained live in the VM on noise read from /dev/smtj0
# through io_uring (fig5-guest.sh), one run per seed; here the runs are
# merged (smtj-sweep merge) and drawn as box plots of the test loss before
# training and after it.  The target fails unless the median final loss is
# at most FIG5_MAX_RATIO (0.5) of the median initial loss.
# Environment: FIG5_SEEDS (1..10), FIG5_EPOCHS (100), FIG5_MAX_RATIO,
# SMTJ_SWEEP, FIG_BUDGET (s); the VM's (run-vm.sh).
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh uses it
me=fig5
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${SMTJ_SWEEP:?}"
epochs=${FIG5_EPOCHS:-100}
rm -rf "$out"
fig_begin "${FIG_BUDGET:-600}"
note "in the VM (figures/run-vm.sh boots it; the guest's commands are in guest-commands.sh):"
run "$here/run-vm.sh" fig5 "$out/guest" fig5_seeds="${FIG5_SEEDS:-1..10}" fig5_epochs="$epochs"
mv "$out/guest/commands.sh" "$out/guest-commands.sh"
run "$SMTJ_SWEEP" merge "$out/guest/sweep" -o "$out/epochs.csv" 2>/dev/null
# One row per seed: the loss before the first step (the JSON header's
# initial_test_loss) and after the last epoch.
for f in "$out"/guest/sweep/runs/*.json; do
	id=$(basename "$f" .json)
	awk -F, -v id="$id" -v f="$f" -v e="$epochs" '
		BEGIN { while ((getline l < f) > 0) if (match(l, /"initial_test_loss": [^,}]*/))
			init = substr(l, RSTART + 21, RLENGTH - 21) }
		NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		$c["id"] == id && $c["epoch"] == e {
			printf "%s,%s,%s,%.6g\n", $c["seed"], init, $c["test_loss"], $c["test_loss"] / init }' \
		"$out/epochs.csv"
done | sort -t, -k1,1n | { echo "seed,initial_loss,final_loss,ratio"; cat; } >"$out/fig5.csv"
runs=$(($(wc -l <"$out/fig5.csv") - 1))
median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
mi=$(cut -d, -f2 "$out/fig5.csv" | tail -n +2 | median)
mf=$(cut -d, -f3 "$out/fig5.csv" | tail -n +2 | median)
mr=$(cut -d, -f4 "$out/fig5.csv" | tail -n +2 | median)
printf 'runs,median_initial,median_final,median_final_over_initial,median_ratio_per_seed\n%d,%s,%s,%.4g,%s\n' \
	"$runs" "$mi" "$mf" "$(awk -v a="$mf" -v b="$mi" 'BEGIN { print a / b }')" "$mr" >"$out/summary.csv"
note "gnuplot figures/fig5.gp:"
run gnuplot -e "dir='$out'" "$here/fig5.gp"
max=${FIG5_MAX_RATIO:-0.5}
echo "$me: $runs runs; median test loss $mi before, $mf after (median per-seed ratio $mr)"
fig_end
want=${FIG5_SEEDS:-1..10}
[ "$runs" -eq $((${want#*..} - ${want%..*} + 1)) ] || die "$runs runs finished, expected seeds $want"
awk -v a="$mf" -v b="$mi" -v m="$max" 'BEGIN { exit !(a <= m * b) }' ||
	die "FAILED: median final loss $mf is above $max x the median initial loss $mi"
echo "$me: ok: median final loss $mf <= $max x median initial loss $mi"
