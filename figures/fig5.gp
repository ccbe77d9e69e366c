# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 5 from figures/fig5.sh's fig5.csv: gnuplot -e "dir='D'" fig5.gp
# writes D/fig5.png: box plots over seeds of the teacher task's test loss
# before and after training on /dev/smtj0 noise, each seed as a point.
set terminal pngcairo size 700,600 font ",10"
set output dir.'/fig5.png'
set datafile separator ','
f = dir.'/fig5.csv'
set title "Fig. 5: 2-2-2-1 teacher task on /dev/smtj0 noise (io_uring, VM)" noenhanced
set ylabel 'test loss (MSE)'; set logscale y; set grid y
set xtics ('initial' 1, 'final' 2); set xrange [0.4:2.6]
set style boxplot outliers pointtype 7
set style data boxplot
set boxwidth 0.4
set style fill solid 0.3
plot f skip 1 using (1):2 lc rgb '#1060a0' notitle, \
     '' skip 1 using (2):3 lc rgb '#c03020' notitle, \
     '' skip 1 using (1.3):2 with points pt 6 lc rgb '#1060a0' notitle, \
     '' skip 1 using (2.3):3 with points pt 6 lc rgb '#c03020' notitle
