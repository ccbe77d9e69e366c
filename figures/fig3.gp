# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 3 from figures/fig3.sh's fig3.csv: gnuplot -e "dir='D'" fig3.gp
# writes D/fig3.png: final test accuracy of single-layer ANP (mean over
# seeds, bars from the lowest to the highest seed) against each setting,
# BP's mean as a dashed line.
set terminal pngcairo size 1700,420 font ",9"
set output dir.'/fig3.png'
set datafile separator ','
f = dir.'/fig3.csv'
bp = system("awk -F, '$1 == \"bp\" { print $4 }' ".f) + 0
set multiplot layout 1, 5 title sprintf('Fig. 3: single-layer ANP on MNIST (BP: %.3f)', bp)
set ylabel 'test accuracy'; set grid
set arrow 1 from graph 0, first bp to graph 1, first bp nohead dt 2 lc rgb 'black'
stats f skip 1 using 6 nooutput
set yrange [*:(STATS_max > bp ? STATS_max : bp) + 0.005]
set key bottom center; set offsets graph 0.05, graph 0.05, 0, 0
panels = 'lr sigma alpha n p'
labels = "'learning rate' 'Gaussian scale sigma' 'Bernoulli alpha' 'junctions n' 'probability p'"
do for [i = 1:5] {
	pn = word(panels, i)
	if (i <= 4) { set logscale x } else { unset logscale x }
	set xlabel word(labels, i)
	set title word(labels, i)
	plot f skip 1 using (strcol(1) eq pn ? $2 : 1/0):4:5:6 with yerrorlines pt 7 lc rgb '#1060a0' title 'ANP', \
	     NaN with lines dt 2 lc rgb 'black' title 'BP'
}
unset multiplot
