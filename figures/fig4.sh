#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fig4.sh OUTDIR: the paper's Fig. 4, BP against DANP on MNIST, DANP with
# simulated-junction noise (one junction per node) and DANP with a series
# recorded from /dev/smtj0 in the VM (smtjcat, fig4-guest.sh) and replayed
# serially: neighbouring nodes get consecutive samples, the paper's worst
# case.  Every method over the same seeds, test accuracy per epoch with the
# range over seeds.  Each method is a sweep (smtj-sweep, GNU parallel).
# Environment: FIG4_SEEDS (42..46), FIG4_EPOCHS (5), FIG4_ARCH
# (196-64-10), FIG4_DOWNSAMPLE (2), FIG4_LIMIT (0 = all), FIG4_LR (DANP's
# rate), FIG4_REC (samples recorded), FIG4_JOBS (2), FIG4_THREADS (1),
# SMTJ_TRAIN, SMTJ_SWEEP, MNIST, FIG_BUDGET (s); the VM's (run-vm.sh).
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh uses it
me=fig4
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
: "${SMTJ_TRAIN:?}" "${SMTJ_SWEEP:?}" "${MNIST:?}"
seeds=${FIG4_SEEDS:-42..46}
epochs=${FIG4_EPOCHS:-5}
arch=${FIG4_ARCH:-196-64-10}
down=${FIG4_DOWNSAMPLE:-2}
limit=${FIG4_LIMIT:-0}
lr=${FIG4_LR:-2e-3}
# shellcheck disable=SC2034 # fig_sweep (lib.sh) uses it
jobs=${FIG4_JOBS:-2}
rm -rf "$out"
fig_begin "${FIG_BUDGET:-900}"
note "in the VM (figures/run-vm.sh boots it; the guest's commands are in guest-commands.sh):"
run "$here/run-vm.sh" fig4 "$out/guest" fig4_rec="${FIG4_REC:-1048576}"
mv "$out/guest/commands.sh" "$out/guest-commands.sh"
rec=$out/recording.u16
mv "$out/guest/recording.u16" "$rec"
# volts per code of the device the series came from
read -r off sfv < <(tr ',' '\n' <"$out/guest/info.json" |
	awk -F: '/"offset"/ { o = $2 } /"scale_fv"/ { s = $2 } END { print o, s }')
[ "$off" = 0 ] || die "device offset $off: the replay's scale alone cannot convert its codes"
scale=$(awk -v s="$sfv" 'BEGIN { printf "%.9g", s * 1e-15 }')
echo "$me: $(($(stat -c %s "$rec") / 2)) samples recorded, $scale V per code"

common=(--dataset mnist --data "$MNIST" --arch "$arch" --downsample "$down"
	--epochs "$epochs" --threads "${FIG4_THREADS:-1}")
[ "$limit" -gt 0 ] && common+=(--train-limit "$limit")
fig_sweep bp --grid "seed=$seeds" -- --rule bp "${common[@]}"
fig_sweep danp --grid "noise=junction:|replay:path=$rec,format=u16,scale=$scale" \
	--grid "seed=$seeds" -- --rule danp --lr "$lr" --decor-lr 1.9073e-7 "${common[@]}"

# method, epoch, seed, accuracy; then mean and range over seeds
{
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		{ printf "bp,%s,%s,%s\n", $c["epoch"], $c["seed"], $c["test_acc"] }' "$out/bp/results.csv"
	# a quoted noise spec (it has commas) is one field: split without it
	awk 'NR == 1 { n = split($0, h, ","); for (i = 1; i <= n; i++) c[h[i]] = i; next }
		{ m = $0 ~ /replay:/ ? "danp-recorded" : "danp-junction"
		  l = $0; gsub(/"[^"]*"/, "spec", l); split(l, f, ",")
		  printf "%s,%s,%s,%s\n", m, f[c["epoch"]], f[c["seed"]], f[c["test_acc"]] }' "$out/danp/results.csv"
} | { echo "method,epoch,seed,test_acc"; cat; } >"$out/runs.csv"
fig_range method,epoch <"$out/runs.csv" >"$out/fig4.csv"
awk -F, -v e="$epochs" '$2 == e { printf "%s: final test accuracy %.4f (seeds %s..%s)\n", $1, $4, $5, $6 }' \
	"$out/fig4.csv" | sed "s/^/$me: /"
note "gnuplot figures/fig4.gp:"
run gnuplot -e "dir='$out'" "$here/fig4.gp"
fig_end
