#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtjctl, smtjcat, smtjstat without a device: help, exit codes (0 ok,
# 1 runtime error, 2 usage), noise to stdout, statistics of a file, and
# malformed input named with its offset.  TAP; exits nonzero on failure.
set -u
bin=${SMTJ_TOOLS:-$(dirname "$0")/../../../utils}
ctl=$bin/smtjctl/smtjctl cat=$bin/smtjcat/smtjcat stat=$bin/smtjstat/smtjstat
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/../tap.sh"
t() {	# t DESCRIPTION EXPECTED_RC CMD...: exit status and stderr to $tmp/err
	local d=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	if [ "$rc" -eq "$want" ]; then ok 0 "$d"; else
		ok 1 "$d (exit $rc, want $want: $(head -c 200 "$tmp/err"))"; fi
}
check() {	# check DESCRIPTION CONDITION...
	"${@:2}"
	ok $? "$1"
}

for tool in "$ctl" "$cat" "$stat"; do
	t "$(basename "$tool") --help" 0 "$tool" --help
	check "$(basename "$tool") --help prints usage" grep -q '^Usage:' "$tmp/out"
	t "$(basename "$tool") bad option is a usage error" 2 "$tool" --no-such-option
done
t "smtjctl unknown command" 2 "$ctl" frobnicate
t "smtjctl set-sim with bad physics is a usage error" 2 "$ctl" set-sim "n=9"
t "smtjctl info on a missing device" 1 "$ctl" -d /nonexistent/smtj9 info
t "smtjctl info on a non-smtj device" 1 "$ctl" -d /dev/null info
check "  ... and says so" grep -q 'not an smtj device' "$tmp/err"
t "smtjcat noise: 1000 float32" 0 "$cat" -N hmm:serial -n 1000 -s 3
check "  ... 4000 bytes" test "$(stat -c %s "$tmp/out")" -eq 4000
cp "$tmp/out" "$tmp/a.f32"
t "smtjcat same seed, same values" 0 "$cat" -N hmm:serial -n 1000 -s 3
check "  ... identical" cmp -s "$tmp/out" "$tmp/a.f32"
t "smtjcat csv" 0 "$cat" -N "gauss:sigma=2" -n 5 -f csv
check "  ... 5 lines" test "$(wc -l <"$tmp/out")" -eq 5
t "smtjcat bad spec is a usage error" 2 "$cat" -N "gauss:sgma=1" -n 5
check "  ... names the key" grep -q "unknown key 'sgma'" "$tmp/err"
t "smtjcat into a closed pipe ends cleanly" 0 bash -c "'$cat' -N hmm | head -c 10 >/dev/null; exit \${PIPESTATUS[0]}"
"$cat" -N hmm:serial -n 200000 -s 1 >"$tmp/h.f32"
t "smtjstat of a float32 file" 0 "$stat" -j "$tmp/h.f32"
check "  ... two levels at the paper's values" python3 -c "
import json,sys; d=json.load(open('$tmp/out')); l=[x['level'] for x in d['levels']]
sys.exit(not (len(l)==2 and abs(l[0]-0.0361605)<2e-4 and abs(l[1]-0.0480237)<2e-4))"
printf '\001\000\002' >"$tmp/odd.u16"
t "smtjstat refuses a partial record" 1 "$stat" "$tmp/odd.u16"
check "  ... naming file and offset" grep -q "odd.u16: offset 2" "$tmp/err"
t "smtjstat needs a file or a device" 2 "$stat"

# --entropy (SP 800-90B): one symbol a byte, as the standard's tools read
python3 -c "
import random; r = random.Random(7)
open('$tmp/b.bin', 'wb').write(bytes(r.random() < 0.3 for _ in range(100000)))
open('$tmp/r.bin', 'wb').write(bytes(r.random() < 0.3 for _ in range(300 * 300)))
open('$tmp/s.bin', 'wb').write(bytes(b for _ in range(300) for b in [0] * 50 + [r.random() < 0.5 for _ in range(250)]))
"
t "smtjstat --entropy of biased bits" 0 "$stat" --entropy --width 1 -j "$tmp/b.bin"
check "  ... ten estimates, a lower bound of -log2(0.7)" python3 -c "
import json,sys; d=json.load(open('$tmp/out')); e=d['estimates']
sys.exit(not (len(e)==10 and d['binary'] and d['h']==min(x['h'] for x in e.values())
  and abs(e['mcv']['h']-0.5146)<0.02 and 0<d['h']<=e['mcv']['h'] and d['h_bitstring']==d['h']))"
: >"$tmp/empty.bin"
t "smtjstat --entropy of an empty file" 1 "$stat" -e -w 1 "$tmp/empty.bin"
check "  ... says so" grep -q "empty file" "$tmp/err"
printf '\000\001\002\001' >"$tmp/wide.bin"
t "smtjstat --entropy: a symbol wider than declared" 1 "$stat" -e -w 1 "$tmp/wide.bin"
check "  ... names the offset" grep -q "offset 2: symbol 2 is wider than 1 bits" "$tmp/err"
head -c 3000 "$tmp/b.bin" >"$tmp/short.bin"
t "smtjstat --entropy: fewer samples than an estimator needs" 1 "$stat" -e -w 1 "$tmp/short.bin"
check "  ... names it" grep -q "compression: 3000 samples, needs at least 6012" "$tmp/err"
t "smtjstat --restart needs --entropy" 2 "$stat" -w 1 --restart "$tmp/r.bin" "$tmp/b.bin"
t "smtjstat --entropy --restart: matching restarts pass" 0 "$stat" -e -w 1 -j \
	--restart "$tmp/r.bin" --restart-shape 300x300 "$tmp/b.bin"
check "  ... sanity pass, validated h" python3 -c "
import json,sys; d=json.load(open('$tmp/out'))['restart']
sys.exit(not (d['sanity']=='pass' and d['ok'] and 0<d['h']<=0.52))"
t "smtjstat --entropy --restart: stuck restarts fail (status 3)" 3 "$stat" -e -w 1 \
	--restart "$tmp/s.bin" --restart-shape 300x300 "$tmp/b.bin"
check "  ... in the sanity check" grep -q "sanity: *FAIL" "$tmp/out"
t "smtjstat --entropy: a restart file of the wrong shape" 1 "$stat" -e -w 1 \
	--restart "$tmp/r.bin" "$tmp/b.bin"
check "  ... says so, and prints no partial result" bash -c \
	"grep -q 'a 1000 x 1000 restart matrix needs' '$tmp/err' && test ! -s '$tmp/out'"
t "smtjstat --entropy of states, symbols written" 0 "$stat" -e -j -W "$tmp/h.bin" "$tmp/h.f32"
check "  ... one byte a sample, two states" python3 -c "
import json,sys; d=json.load(open('$tmp/out')); b=open('$tmp/h.bin','rb').read()
sys.exit(not (len(b)==200000 and set(b)=={0,1} and d['k']==2 and len(d['thresholds'])==1))"
t "smtjstat --entropy: bit=3 of volts is refused" 1 "$stat" -e -s bit=3 "$tmp/h.f32"
check "  ... not an ADC code" grep -q "not an ADC code" "$tmp/err"
t "smtjstat --entropy: bad --symbols is a usage error" 2 "$stat" -e -s bit=16 "$tmp/h.f32"
t "smtjcat --restarts on a non-device" 1 "$cat" -d /dev/null --restarts 2 -n 10
tap_done
