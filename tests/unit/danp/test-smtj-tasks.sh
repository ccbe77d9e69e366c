#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-train's regression tasks end to end: the teacher-student task
# (--dataset teacher:SIZES) learns, CSV files with real-valued targets load
# and train under --loss mse, and malformed task specs and files are
# rejected with messages that say what is wrong.
# Usage: test-smtj-tasks.sh PATH-TO-smtj-train
set -u
T=${1:-${SMTJ_TRAIN:-smtj-train}}
. "$(dirname "$0")/../tap.sh"
tap_tmpdir smtj-tasks-test
# "initial_test_loss" and the last epoch's "test_loss" of a JSON results file.
ratio() {
	awk '/"initial_test_loss"/ { sub(/.*"initial_test_loss": /, ""); sub(/,.*/, ""); i = $0 }
	     /"test_loss"/ { s = $0; sub(/.*"test_loss": /, "", s); sub(/,.*/, "", s); f = s }
	     END { if (i > 0) printf "%.4f\n", f / i; else print "nan" }' "$1"
}

# The teacher task of the paper's Fig. 5: 2x2x2x1, 100 samples, simulated
# junction noise used raw (as the paper's measured sMTJ), 100 epochs.  The
# median over 9 fixed seeds of final/initial test loss must be <= 0.5.
rs=""
for s in 1 2 3 4 5 6 7 8 9; do
	"$T" --dataset teacher:2-2-2-1 --noise junction: --seed $s --quiet \
		--no-progress --format json --output "$D/t$s.json" || break
	rs="$rs $(ratio "$D/t$s.json")"
done
ok $? "teacher task: 9 seeds ran"
med=$(echo $rs | tr ' ' '\n' | sort -g | sed -n 5p)
awk -v m="${med:-nan}" 'BEGIN { exit !(m + 0 == m && m <= 0.5) }'
ok $? "teacher task: median final/initial test loss ${med:-?} <= 0.5 (ratios:$rs)"
grep -q '"loss": "mse"' "$D/t1.json" && grep -q '"arch": "2-2-2-1"' "$D/t1.json" &&
	grep -q '"batch": 10' "$D/t1.json" && [ "$(grep -c '"epoch":' "$D/t1.json")" -eq 100 ]
ok $? "teacher task defaults: MSE, student 2-2-2-1, batch 10, 100 epochs"
"$T" --dataset teacher:2-2-2-1 --seed 3 -q --no-progress -e 2 -o "$D/a.csv" &&
"$T" --dataset teacher:2-2-2-1 --seed 3 -q --no-progress -e 2 -o "$D/b.csv"
cmp -s <(cut -d, -f1-7 "$D/a.csv") <(cut -d, -f1-7 "$D/b.csv")
ok $? "teacher task: same seed, same results"
"$T" --dataset teacher:4-8-3,n=50,test=20,seed=7 --arch 4-16-3 -q --no-progress -e 3 -o "$D/c.json" --format json
ok $? "teacher task of other sizes, student of another width"
out=$("$T" --dataset teacher:2-2-2-1 --rule bp -e 20 --no-progress | tail -1)
[[ $out == "epoch 20: loss "*"test loss "* ]]; ok $? "teacher task prints losses: $out"

bad() {	# expected message, then arguments
	local want=$1 out st
	shift
	out=$("$T" "$@" -e 1 --no-progress -q 2>&1); st=$?
	[ $st -ne 0 ] && [[ $out == *"$want"* ]]
	ok $? "rejected ($st): $* -> $out"
}
bad "sizes" --dataset teacher
bad "sizes" --dataset teacher:
bad "arch" --dataset teacher:2-x-1
bad "unknown item 'm'" --dataset teacher:2-2-1,m=3
bad "n=0" --dataset teacher:2-2-1,n=0
bad "not a number" --dataset teacher:2-2-1,test=1e3
bad "use --loss mse" --dataset teacher:2-2-1 --loss ce
bad "network input 3" --dataset teacher:2-2-1 --arch 3-2-1
bad "targets" --dataset teacher:2-2-1 --arch 2-2-2

# Regression CSV: y = 0.5 a - b + 0.25 c (+ noise) from awk's seeded rand.
lin() {
	awk -v n="$1" -v seed="$2" 'BEGIN { srand(seed); print "y,a,b,c"
		for (i = 0; i < n; i++) { a = 2 * rand() - 1; b = 2 * rand() - 1; c = 2 * rand() - 1
			print 0.5 * a - b + 0.25 * c + 0.01 * (rand() - 0.5) "," a "," b "," c } }'
}
lin 400 1 >"$D/tr.csv"
lin 100 2 >"$D/te.csv"
R=(--dataset csv --train "$D/tr.csv" --test "$D/te.csv" --arch 3-16-1
   --noise gauss:sigma=0.01 --batch 10 --lr 3e-3 --no-progress --quiet)
"$T" "${R[@]}" --loss mse --epochs 20 --format json --output "$D/r.json"
ok $? "CSV with real targets trains under --loss mse"
r=$(ratio "$D/r.json")
awk -v m="$r" 'BEGIN { exit !(m + 0 == m && m <= 0.2) }'
ok $? "CSV regression: final/initial test loss $r <= 0.2"
out=$("$T" "${R[@]}" --epochs 1 2>&1); st=$?
[ $st -eq 1 ] && [[ $out == *"class index"*"--loss mse"* ]]
ok $? "real targets without --loss mse: $out"
awk -F, 'NR > 1 { print $1 "," $0 }' "$D/tr.csv" >"$D/tr2.csv"
awk -F, 'NR > 1 { print $1 "," $0 }' "$D/te.csv" >"$D/te2.csv"
"$T" --dataset csv --train "$D/tr2.csv" --test "$D/te2.csv" --targets 2 \
	--arch 3-8-2 -e 2 -q --no-progress -o "$D/two.json" --format json &&
	grep -q '"arch": "3-8-2"' "$D/two.json"
ok $? "--targets 2: two target columns, three features"
bad "features" --dataset csv --train "$D/tr2.csv" --test "$D/te.csv" --targets 2
bad "real targets" --dataset csv --train "$D/tr.csv" --test "$D/te.csv" --arch 3-4-1 --targets 1 --loss ce
bad "--targets" --dataset teacher:2-1 --targets 1
printf '0.5,1\n0.25\n' >"$D/short.csv"
bad "line 2" --dataset csv --train "$D/short.csv" --test "$D/te.csv" --loss mse
printf '0,1\n1,2\n' >"$D/cls.csv"
bad "class labels" --dataset csv --train "$D/tr.csv" --test "$D/cls.csv" --loss mse
out=$("$T" --dataset csv --train "$D/tr.csv" --test "$D/te.csv" --targets 0 2>&1); st=$?
[ $st -eq 2 ]; ok $? "--targets 0 exits 2: $out"

tap_done
