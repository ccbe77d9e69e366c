#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make demo's host side (demo/show.sh) with a stand-in for the VM that
# writes a guest console the way demo/init does: lines are streamed while
# the "VM" runs (it waits until the first progress line has been shown),
# the curve, accuracy and noise counts are reported at the end, the exit
# status is the VM's, and no process of it is left afterwards, also when
# it is interrupted.
# Usage: test-demo-show.sh PATH-TO-demo/show.sh
set -u
SHOW=$1
. "$(dirname "$0")/../tap.sh"
tap_tmpdir demo-show-test
left() {	# processes whose command line names $1 (pattern from a file)
	printf '%s/\n' "$1" >"$D/.pattern"
	grep -laFf "$D/.pattern" /proc/[0-9]*/cmdline 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/cmdline$|\1|' | grep -vx "$$" || true
}

# The stand-in VM: $1 run dir, $2 exit status, $3 "hang" to never end.
cat >"$D/fake-vm.sh" <<'VM'
#!/bin/sh
run=$1
c=$run/console.log
printf 'smtj-vm: boot noise\r\ndemo: backend sim\r\n' >>"$c"
printf 'progress: epoch 1/2 batch 10/20 samples 640 1.0 s 640.0 samples/s loss 2.2000\r\n' >>"$c"
# Wait (at most 20 s) until show.sh has shown that line: streaming.
i=0
while [ ! -e "$run/seen" ] && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
[ -e "$run/seen" ] || echo "demo: NOT STREAMED" >>"$c"
for l in "epoch 1/2 batch 20/20 samples 1280 2.0 s 640.0 samples/s loss 1.5000" \
	 "epoch 2/2 batch 10/20 samples 640 1.0 s 640.0 samples/s loss 1.0000" \
	 "epoch 2/2 batch 20/20 samples 1280 2.0 s 640.0 samples/s loss 0.8000"; do
	printf 'progress: %s\r\n' "$l" >>"$c"
done
printf 'demo: noise values used by training 123456\r\n' >>"$c"
printf 'demo: test accuracy 0.81230, device produced 130000 samples\r\n' >>"$c"
# A VM that never ends, recognisable by the run directory it names.
[ "${3-}" = hang ] && exec sh -c 'while :; do sleep 1; done' "$run"
exit "$2"
VM
chmod +x "$D/fake-vm.sh"

# Reads show.sh's output; marks the first progress line as seen.
watch() {
	while IFS= read -r line; do
		printf '%s\n' "$line" >>"$1/out"
		case $line in progress:*) : >"$1/seen" ;; esac
	done
}

R=$D/run
"$SHOW" "$R" -- "$D/fake-vm.sh" "$R/" 3 | watch "$R"
st=${PIPESTATUS[0]}
[ "$st" -eq 3 ]; ok $? "exit status is the VM's ($st)"
! grep -q "NOT STREAMED" "$R/console.log" && [ -e "$R/seen" ]
ok $? "progress lines are shown while the VM runs"
[ "$(grep -c '^progress:' "$R/out")" -eq 4 ] && ! grep -q 'boot noise' "$R/out"
ok $? "all progress lines shown, boot chatter not"
[ "$(cat "$R/curve.dat" | tr '\n' ' ')" = "640 2.2000 1280 1.5000 1920 1.0000 2560 0.8000 " ]
ok $? "curve: images across epochs against loss: $(tr '\n' ' ' <"$R/curve.dat")"
if command -v gnuplot >/dev/null; then
	[ -s "$R/curve.png" ] && [ "$(head -c 4 "$R/curve.png" | tail -c 3)" = PNG ] &&
		grep -q "training loss" "$R/out"
	ok $? "PNG written and a terminal plot shown"
else
	skip "gnuplot not installed"
fi
grep -q 'test accuracy 0.81230; noise values from /dev/smtj0: 123456 used by training, 130000 produced' "$R/out"
ok $? "accuracy and noise counts reported: $(grep 'test accuracy' "$R/out" | tail -1)"
grep -q "console in $R/console.log" "$R/out" && ! grep -q console.txt "$R/out"
ok $? "names the console file that exists"
[ -z "$(left "$R")" ]; ok $? "no process left after a normal end ($(left "$R"))"

# Interrupted (make's Ctrl-C): the VM that would run for ever is stopped
# and nothing is left.
R2=$D/int
"$SHOW" "$R2" -- "$D/fake-vm.sh" "$R2/" 0 hang >"$D/int.out" 2>&1 &
pid=$!
mkdir -p "$R2"
for i in $(seq 100); do grep -q "device produced" "$R2/console.log" 2>/dev/null && break; : >"$R2/seen"; sleep 0.1; done
[ -n "$(left "$R2")" ]; ok $? "the stand-in VM is running before the interrupt"
kill -TERM $pid
wait $pid
st=$?
for i in $(seq 30); do [ -z "$(left "$R2")" ] && break; sleep 0.1; done
[ "$st" -eq 130 ] && [ -z "$(left "$R2")" ]
ok $? "interrupted: exit $st, no process left ($(left "$R2"))"

tap_done
