#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# show.sh RUNDIR -- VM-COMMAND...
# Run the demo VM (VM-COMMAND, which writes the guest console to
# RUNDIR/console.log) and show its work: console lines of interest as they
# arrive, then the learning curve (in the terminal and as
# RUNDIR/curve.png), the accuracy and the noise the device delivered.
# Nothing started here outlives it: the follower exits with the VM
# (tail --pid), and an interrupt stops the VM before returning.
set -u
run=$1
shift
[ "${1-}" = -- ] && shift
mkdir -p "$run"
log=$run/console.log
: >"$log"
rm -f "$run/curve.dat" "$run/curve.png"
echo "demo: guest console in $log, results in $run"

# PID and its descendants, children first (qemu under timeout under
# tests/vm/run.sh): an interrupt stops all of them.
tree() {
	local c
	for c in $(ps -o pid= --ppid "$1" 2>/dev/null); do tree "$c"; done
	echo "$1"
}
"$@" &
vm=$!
# Lines appear as the guest prints them; tail ends when the VM does.  In
# the background, so that a signal is handled at once (bash runs traps
# only between foreground commands); sed -u passes each line on at once.
tail -n +1 -s 1 -F --pid=$vm "$log" 2>/dev/null |
	sed -u -n -e 's/\r$//' \
		-e '/^\(demo:\|progress:\|epoch [0-9]\|smtj-train:\|smtjctl\|  \)/p' &
follow=$!
trap 'kill -TERM $(tree $vm) 2>/dev/null; wait $vm $follow 2>/dev/null; exit 130' INT TERM
wait $vm
rc=$?
wait $follow
trap - INT TERM

# The learning curve: the loss of each progress line's samples, against
# the images seen since the start (epochs concatenated).
tr -d '\r' <"$log" | awk '
	/^progress: epoch / {
		split($3, e, "/"); s = $7 + 0
		if (e[1] != ep) { off += last; ep = e[1] }
		last = s
		print off + s, $NF
	}' >"$run/curve.dat"
if [ -s "$run/curve.dat" ] && command -v gnuplot >/dev/null; then
	gnuplot -e "set terminal dumb 72 18; set title 'training loss (DANP, /dev/smtj0 noise)';
		set xlabel 'images'; unset key; plot '$run/curve.dat' with lines" 2>/dev/null
	gnuplot -e "set terminal png size 640,400; set output '$run/curve.png';
		set title 'DANP on /dev/smtj0 noise: training loss'; set xlabel 'images';
		set ylabel 'loss (since previous point)'; unset key; set grid;
		plot '$run/curve.dat' with linespoints pt 7 ps 0.5" 2>/dev/null &&
		echo "demo: learning curve in $run/curve.png"
elif [ -s "$run/curve.dat" ]; then
	echo "demo: gnuplot not installed: no curve (data in $run/curve.dat)"
fi
acc=$(tr -d '\r' <"$log" | sed -n 's/^demo: test accuracy \([0-9.]*\),.*/\1/p' | tail -1)
dev=$(tr -d '\r' <"$log" | sed -n 's/^demo: .*device produced \([0-9]*\) samples.*/\1/p' | tail -1)
used=$(tr -d '\r' <"$log" | sed -n 's/^demo: noise values used by training \([0-9]*\).*/\1/p' | tail -1)
echo "demo: test accuracy ${acc:-unknown}; noise values from /dev/smtj0: ${used:-unknown} used by training, ${dev:-unknown} produced by the device"
echo "demo: exit $rc; console in $log, TAP in $run/tap.log"
exit $rc
