# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 4 from figures/fig4.sh's fig4.csv: gnuplot -e "dir='D'" fig4.gp
# writes D/fig4.png: test accuracy per epoch, the mean over seeds as a line
# and the range from the lowest to the highest seed as a band.
set terminal pngcairo size 900,600 font ",10"
set output dir.'/fig4.png'
set datafile separator ','
f = dir.'/fig4.csv'
set title 'Fig. 4: BP and DANP on MNIST (band: min-max over seeds)'
set xlabel 'epoch'; set ylabel 'test accuracy'; set grid; set xtics 1
set key bottom right
set style fill transparent solid 0.25 noborder
m(s) = s eq 'bp' ? 'BP' : s eq 'danp-junction' ? 'DANP, simulated junctions' : 'DANP, /dev/smtj0 recording replayed'
plot for [s in 'bp danp-junction danp-recorded'] f skip 1 using 2:(strcol(1) eq s ? $5 : 1/0):(strcol(1) eq s ? $6 : 1/0) with filledcurves notitle lc rgb (s eq 'bp' ? '#303030' : s eq 'danp-junction' ? '#1060a0' : '#c03020'), \
     for [s in 'bp danp-junction danp-recorded'] f skip 1 using 2:(strcol(1) eq s ? $4 : 1/0) with linespoints pt 7 lc rgb (s eq 'bp' ? '#303030' : s eq 'danp-junction' ? '#1060a0' : '#c03020') title m(s)
