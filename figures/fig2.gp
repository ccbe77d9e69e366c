# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 2 from the CSV files of figures/fig2.sh: gnuplot -e "dir='D';
# fields='-3 0 3'" fig2.gp writes D/fig2.png.  One row per field: time
# series, histogram, dwell times (log scale, fitted exponentials as lines),
# autocorrelation; the last row: the Néel–Arrhenius fit.
set terminal pngcairo size 1600,1500 font ",9"
set output dir.'/fig2.png'
set datafile separator ','
nf = words(fields)
set multiplot layout nf + 1, 4 title 'Fig. 2: noise of /dev/smtj0 (simulated junction) under field bias'
do for [i = 1:nf] {
	b = word(fields, i)
	set title sprintf('%s mT: time series', b)
	set xlabel 't (ms)'; set ylabel 'V'; unset logscale y
	plot dir.'/series_'.b.'.csv' skip 1 every ::0::399 using 1:2 with steps lc rgb '#1060a0' notitle
	set title sprintf('%s mT: histogram', b)
	set xlabel 'V'; set ylabel 'count'
	plot dir.'/hist_'.b.'.csv' skip 1 using 1:2 with boxes fs solid 0.6 lc rgb '#1060a0' notitle
	set title sprintf('%s mT: dwell times', b)
	set xlabel 'dwell (us)'; set ylabel 'count'; set logscale y; set yrange [0.5:*]
	plot dir.'/dwell_'.b.'.csv' skip 1 using 2:($3 > 0 ? $3 : 1/0) with points pt 7 ps 0.4 lc rgb '#1060a0' title 'P (low)', \
	     '' skip 1 using 2:5 with lines lc rgb '#1060a0' notitle, \
	     '' skip 1 using 2:($4 > 0 ? $4 : 1/0) with points pt 7 ps 0.4 lc rgb '#c03020' title 'AP (high)', \
	     '' skip 1 using 2:6 with lines lc rgb '#c03020' notitle
	unset logscale y; set yrange [*:*]
	set title sprintf('%s mT: autocorrelation', b)
	set xlabel 'lag (us)'; set ylabel 'acf'
	plot dir.'/acf_'.b.'.csv' skip 1 using 2:3 with lines lc rgb '#1060a0' notitle
}
fit_d = system('tail -1 '.dir.'/arrhenius-fit.csv | cut -d, -f1') + 0
fit_t = system('tail -1 '.dir.'/arrhenius-fit.csv | cut -d, -f2') + 0
set title sprintf('Néel–Arrhenius: Delta = %.3g, tau0 = %.3g s', fit_d, fit_t)
set xlabel '(1 -/+ H/Hk)^2'; set ylabel 'ln(tau / s)'; set key top left
plot dir.'/arrhenius.csv' skip 1 using 1:(strcol(3) eq 'P' ? $2 : 1/0) with points pt 7 lc rgb '#1060a0' title 'P', \
     '' skip 1 using 1:(strcol(3) eq 'AP' ? $2 : 1/0) with points pt 5 lc rgb '#c03020' title 'AP', \
     log(fit_t) + fit_d * x with lines lc rgb 'black' title 'fit'
unset multiplot
