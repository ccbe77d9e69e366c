#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# fig2.sh OUTDIR: the paper's Fig. 2, the noise of one junction under three
# field biases, measured from /dev/smtj0 in the VM (fig2-guest.sh), then
# tabulated and drawn here: time series, histogram, dwell-time
# distributions with their fitted exponentials, autocorrelation, and the
# Néel–Arrhenius fit of the dwell times against the field.
# Environment: FIG2_FIELDS (mT, "-3/0/3"), FIG2_HK (the junction's
# anisotropy field in mT: h = H/Hk), FIG2_N (samples per field), FIG2_RATE
# (Hz), FIG2_LAGS, FIG_BUDGET (s); the VM's settings (run-vm.sh).
set -euo pipefail
# shellcheck disable=SC2034 # lib.sh uses it
me=fig2
out=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
FIG2_FIELDS=${FIG2_FIELDS:--3/0/3} FIG2_HK=${FIG2_HK:-100}
FIG2_N=${FIG2_N:-2000000} FIG2_RATE=${FIG2_RATE:-200000} FIG2_LAGS=${FIG2_LAGS:-100}
rm -rf "$out"
fig_begin "${FIG_BUDGET:-600}"
note "in the VM (figures/run-vm.sh boots it; the guest's commands are in guest-commands.sh):"
run "$here/run-vm.sh" fig2 "$out/guest" fig2_fields="$FIG2_FIELDS" fig2_hk="$FIG2_HK" \
	fig2_n="$FIG2_N" fig2_rate="$FIG2_RATE" fig2_lags="$FIG2_LAGS"
mv "$out/guest/commands.sh" "$out/guest-commands.sh"
note "then tabulated by figures/fig2.sh and drawn by figures/fig2.gp"

# One JSON array or number of smtjstat's output: json KEY FILE.
json() {
	awk -v k="\"$1\":" '{
		i = index($0, k); if (!i) exit 1
		s = substr($0, i + length(k))
		if (substr(s, 1, 1) == "[") { s = substr(s, 2); sub(/\].*/, "", s) }
		else sub(/[,}].*/, "", s)
		print s
	}' "$2"
}

summary=$out/summary.csv
echo "field_mT,h,samples,rate_hz,level_low_V,level_high_V,weight_low,weight_high,dwell_low,dwell_low_sem,dwell_high,dwell_high_sem,model_dwell_low,model_dwell_high,tau_p_s,tau_ap_s,acf_1e_lag_s" >"$summary"
for b in $(echo "$FIG2_FIELDS" | tr / ' '); do
	g=$out/guest
	s=$g/stat_$b.json
	rate=$(awk '/^rate:/ { print $2 }' "$g/sim_$b.txt")
	# The model's per-sample switching probabilities (smtjctl set-sim).
	read -r mp map < <(awk '/p_leave/ { print $5, $7 }' "$g/sim_$b.txt")
	h=$(awk -v b="$b" -v k="$FIG2_HK" 'BEGIN { printf "%.6g", b / k }')
	dt=$(awk -v r="$rate" 'BEGIN { printf "%.9g", 1 / r }')
	# time series: the first 2000 samples
	awk -v dt="$dt" 'BEGIN { print "t_ms,volts" } { printf "%.6g,%s\n", NR * dt * 1e3, $1 }' \
		"$g/series_$b.csv" >"$out/series_$b.csv"
	# histogram
	json count "$s" | tr , '\n' | awk -v lo="$(json lo "$s")" -v hi="$(json hi "$s")" '
		{ c[NR] = $1 } END { print "volts,count"; for (i = 1; i <= NR; i++)
			printf "%.9g,%d\n", lo + (i - 0.5) * (hi - lo) / NR, c[i] }' >"$out/hist_$b.csv"
	# dwell times: measured counts and the fitted exponential (maximum
	# likelihood: the geometric law with the measured mean dwell), the
	# last bin (longer dwells) left out
	dw=$(json dwell "$s" | tr -d '{}"' | tr , '\n' | awk -F: '{ print $2 }' | paste -sd' ')
	read -r m0 e0 r0 m1 e1 r1 <<<"$dw"
	paste -d, <(json dwell_hist_low "$s" | tr , '\n') <(json dwell_hist_high "$s" | tr , '\n') |
		awk -F, -v dt="$dt" -v m0="$m0" -v r0="$r0" -v m1="$m1" -v r1="$r1" '
		BEGIN { print "samples,us,low,high,fit_low,fit_high" }
		{ row[NR] = $0 }
		END { p0 = 1 / m0; p1 = 1 / m1
			for (k = 1; k < NR; k++) { split(row[k], c, ",")
				printf "%d,%.6g,%s,%s,%.6g,%.6g\n", k, k * dt * 1e6, c[1], c[2],
					r0 * p0 * (1 - p0) ^ (k - 1), r1 * p1 * (1 - p1) ^ (k - 1) } }' >"$out/dwell_$b.csv"
	# autocorrelation
	json acf "$s" | tr , '\n' | awk -v dt="$dt" 'BEGIN { print "lag,us,acf" }
		{ printf "%d,%.6g,%s\n", NR - 1, (NR - 1) * dt * 1e6, $1 }' >"$out/acf_$b.csv"
	lv=$(json levels "$s" | tr -d '{}"' | tr , '\n' | awk -F: '{ print $2 }' | paste -sd' ')
	read -r l0 w0 _ l1 w1 _ <<<"$lv"
	# mean dwell (samples) -> the junction's dwell time: p = 1/mean per
	# sample is 1 - exp(-dt/tau)
	awk -v b="$b" -v h="$h" -v n="$(json n "$s")" -v rate="$rate" -v dt="$dt" \
		-v l0="$l0" -v l1="$l1" -v w0="$w0" -v w1="$w1" -v m0="$m0" -v e0="$e0" \
		-v m1="$m1" -v e1="$e1" -v mp="$mp" -v map="$map" -v lag="$(json corr_lag_1e "$s")" 'BEGIN {
		printf "%s,%s,%d,%d,%s,%s,%s,%s,%s,%s,%s,%s,%.6g,%.6g,%.6g,%.6g,%.6g\n",
			b, h, n, rate, l0, l1, w0, w1, m0, e0, m1, e1, 1 / mp, 1 / map,
			-dt / log(1 - 1 / m0), -dt / log(1 - 1 / m1), lag * dt }' >>"$summary"
done

# Néel–Arrhenius: tau = tau0 exp(Delta (1 -/+ h)^2), so ln tau is linear
# in x = (1 -/+ h)^2 with slope Delta and intercept ln tau0 (P: the low
# level, minus; AP: plus).  Least squares over both states and all fields.
awk -F, 'NR > 1 { printf "%.9g,%.9g,P,%s\n", (1 - $2) ^ 2, log($15), $1
	printf "%.9g,%.9g,AP,%s\n", (1 + $2) ^ 2, log($16), $1 }' "$summary" |
	{ echo "x,ln_tau,state,field_mT"; cat; } >"$out/arrhenius.csv"
awk -F, 'NR > 1 { n++; sx += $1; sy += $2; sxx += $1 * $1; sxy += $1 * $2 }
	END { d = (n * sxy - sx * sy) / (n * sxx - sx * sx); c = (sy - d * sx) / n
		print "delta,tau0_s,points"; printf "%.6g,%.6g,%d\n", d, exp(c), n }' \
	"$out/arrhenius.csv" >"$out/arrhenius-fit.csv"
echo "$me: $(tail -1 "$out/arrhenius-fit.csv" | awk -F, '{ printf "Néel–Arrhenius fit: Delta = %.3g, tau0 = %.3g s", $1, $2 }')"
note "gnuplot figures/fig2.gp:"
run gnuplot -e "dir='$out'; fields='$(echo "$FIG2_FIELDS" | tr / ' ')'" "$here/fig2.gp"
fig_end
