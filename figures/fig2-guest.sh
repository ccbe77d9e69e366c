#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 2, guest part: at each field bias, configure the simulated junction
# of /dev/smtj0 (smtjctl set-sim h=H/Hk) and measure its noise: a short
# time series (smtjcat) and the statistics of a long one read through
# io_uring (smtjstat: levels, histogram, dwell times, autocorrelation).
# Settings come as kernel arguments: fig2_fields (mT, "-3/0/3"),
# fig2_hk (mT), fig2_n (samples per field), fig2_rate (Hz), fig2_lags,
# fig2_seed.
out=$1
# shellcheck disable=SC2034 # lib.sh uses it
me=fig2-guest
. /fig/lib.sh
: >"$out/commands.sh"
fields=$(echo "${fig2_fields:--3/0/3}" | tr / ' ')
hk=${fig2_hk:-100}
n=${fig2_n:-2000000}
seed=${fig2_seed:-1}
for b in $fields; do
	seed=$((seed + 1))	# each field its own stream
	h=$(awk -v b="$b" -v k="$hk" 'BEGIN { printf "%.6g", b / k }')
	echo "fig2: field $b mT (h = $h), $n samples"
	run_to "$out/sim_$b.txt" smtjctl -d /dev/smtj0 --unthrottled --seed "$seed" set-sim "h=$h,rate=${fig2_rate:-200000}" || exit 1
	run_to "$out/series_$b.csv" smtjcat -d /dev/smtj0 -t uring -n 2000 -f csv || exit 1
	run_to "$out/stat_$b.json" smtjstat --json -d /dev/smtj0 -t uring -n "$n" -L "${fig2_lags:-100}" -H 120 -D 400 || exit 1
done
