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
n=0 fail=0
t() {	# t DESCRIPTION EXPECTED_RC CMD...: exit status and stderr to $tmp/err
	local d=$1 want=$2
	shift 2
	"$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	n=$((n + 1))
	if [ "$rc" -eq "$want" ]; then echo "ok $n - $d"; else
		echo "not ok $n - $d (exit $rc, want $want: $(head -c 200 "$tmp/err"))"; fail=1; fi
}
check() {	# check DESCRIPTION CONDITION...
	n=$((n + 1))
	if "${@:2}"; then echo "ok $n - $1"; else echo "not ok $n - $1"; fail=1; fi
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
echo "1..$n"
exit $fail
