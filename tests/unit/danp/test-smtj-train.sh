#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj-train end to end on small CSV data: options and exit codes, results
# files, resume equivalence (at and within epochs, after SIGINT and
# SIGKILL), Ctrl-C saving a checkpoint, bad input.
# Usage: test-smtj-train.sh PATH-TO-smtj-train
#
# SMTJ_TRAIN_EMULATED=1 (the cross stage, under qemu-user): the interrupt
# and resume tests train 64-64-64-3 instead of 64-256-256-3.  Natively the
# larger network is what keeps an epoch longer than the 10 ms in which the
# test notices the first checkpoint and interrupts the run; emulated, the
# smaller one is slow enough, at a tenth of the work.
set -u
T=${1:-${SMTJ_TRAIN:-smtj-train}}
. "$(dirname "$0")/../tap.sh"
tap_tmpdir smtj-train-test

# Three Gaussian classes in 8 dimensions (awk's rand is seeded: fixed data).
blobs() {
	awk -v n="$1" -v seed="$2" -v dim="$3" 'BEGIN {
		srand(seed); srand(7)
		for (c = 0; c < 3; c++) for (j = 0; j < dim; j++) mu[c, j] = 2 * rand() - 1
		srand(seed)
		for (i = 0; i < n; i++) {
			c = int(3 * rand()); line = c
			for (j = 0; j < dim; j++) {
				g = 0; for (k = 0; k < 12; k++) g += rand(); g -= 6
				line = line "," (mu[c, j] + 0.3 * g)
			}
			print line
		}
	}'
}
blobs 1200 1 8 >"$D/tr.csv"
blobs 300 2 8 >"$D/te.csv"
A=(--dataset csv --train "$D/tr.csv" --test "$D/te.csv" --arch 8-32-3
   --lr 2e-3 --decor-lr 1e-4 --noise gauss:sigma=0.01 --quiet --no-progress)

"$T" --help >/dev/null; ok $? "--help exits 0"
"$T" --bogus >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "unknown option exits 2"
"$T" --epochs 0 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--epochs 0 exits 2"

"$T" "${A[@]}" --epochs 3 --format json --output "$D/r.json" --cosine
ok $? "3 epochs of DANP on CSV data"
python3 -m json.tool "$D/r.json" >/dev/null 2>&1; ok $? "JSON results parse"
acc=$(sed -n 's/.*"epoch": 3,.*"test_acc": \([0-9.]*\),.*/\1/p' "$D/r.json")
awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.9) }'; ok $? "test accuracy after 3 epochs ${acc:-?} >= 0.9"
grep -q '"seed": 42' "$D/r.json" && grep -q '"noise": "gauss:sigma=0.01"' "$D/r.json"
ok $? "results record seed and noise"

# Resume at an epoch boundary reproduces the uninterrupted run exactly
# (time columns excepted).
"$T" "${A[@]}" --epochs 2 --checkpoint "$D/ck" --output "$D/a.csv" &&
"$T" "${A[@]}" --epochs 4 --checkpoint "$D/ck" --resume --output "$D/a.csv" &&
"$T" "${A[@]}" --epochs 4 --output "$D/b.csv"
ok $? "train 2 + resume to 4, and 4 straight"
diff <(cut -d, -f1-7,10 "$D/a.csv") <(cut -d, -f1-7,10 "$D/b.csv") >/dev/null
ok $? "resumed results equal uninterrupted results"

# A diagonal-plus-low-rank R: trains, is recorded, is refused where it
# cannot work (checkpoints hold a full R; rank above a layer's width).
"$T" "${A[@]}" --epochs 3 --decor-rank 4 --format json --output "$D/lr.json"
ok $? "3 epochs of DANP with --decor-rank 4"
acc=$(sed -n 's/.*"epoch": 3,.*"test_acc": \([0-9.]*\),.*/\1/p' "$D/lr.json")
awk -v a="${acc:-0}" 'BEGIN { exit !(a >= 0.9) }'; ok $? "rank 4: test accuracy after 3 epochs ${acc:-?} >= 0.9"
grep -q '"decor_rank": 4' "$D/lr.json"; ok $? "results record decor_rank"
for extra in "" "--resume"; do
	out=$("$T" "${A[@]}" --decor-rank 4 --checkpoint "$D/lrck" $extra 2>&1); st=$?
	[ $st -eq 2 ] && [[ $out == *"--decor-rank cannot be combined"* ]] && [ ! -e "$D/lrck" ]
	ok $? "--decor-rank with --checkpoint $extra refused: exit $st"
done
out=$("$T" "${A[@]}" --decor-rank 9 2>&1); st=$?
[ $st -ne 0 ] && [[ $out == *"exceeds the width 8"* ]]; ok $? "--decor-rank 9 on 8 inputs: exit $st, $out"
"$T" "${A[@]}" --decor-rank 257 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--decor-rank 257 exits 2"

# Threads: the step is split across threads; the loss and accuracy of a
# 2-thread run agree with 1 thread's to float rounding (4 decimals here).
"$T" "${A[@]}" --epochs 2 --threads 2 --output "$D/t2.csv" &&
"$T" "${A[@]}" --epochs 2 --threads 1 --output "$D/t1.csv"
ok $? "2 epochs at 1 and 2 threads"
diff <(cut -d, -f1-7 "$D/t1.csv" | sed 's/\([0-9]\.[0-9]\{4\}\)[0-9]*/\1/g') \
     <(cut -d, -f1-7 "$D/t2.csv" | sed 's/\([0-9]\.[0-9]\{4\}\)[0-9]*/\1/g') >/dev/null
ok $? "2-thread results equal 1-thread results to 4 decimals"
"$T" "${A[@]}" --threads 65 >/dev/null 2>&1; [ $? -eq 2 ]; ok $? "--threads 65 exits 2"

# Ctrl-C: a long run stops after the current batch, saves, exits 130.
if [ "${SMTJ_TRAIN_EMULATED:-0}" = 1 ]; then NET=64-64-64-3; else NET=64-256-256-3; fi
blobs 4000 3 64 >"$D/big.csv"
blobs 300 2 64 >"$D/te64.csv"
B=(--dataset csv --train "$D/big.csv" --test "$D/te64.csv" --arch "$NET"
   --noise gauss:sigma=0.01 --no-progress --quiet --batch 16)
"$T" "${B[@]}" --epochs 100000 --checkpoint "$D/ck2" --output "$D/c.csv" &
pid=$!
# The results file appears once the data is loaded; then interrupt.
for i in $(seq 300); do [ -s "$D/c.csv" ] && break; sleep 0.1; done
sleep 0.3
kill -INT $pid
wait $pid
st=$?
[ $st -eq 130 ] && [ -s "$D/ck2" ]; ok $? "SIGINT: exit $st, checkpoint saved"
ls "$D" | grep -q '\.tmp\.' ; [ $? -ne 0 ]; ok $? "no temporary files left behind"
"$T" "${B[@]}" --epochs 1 --checkpoint "$D/ck2" --resume --output "$D/c.csv"
ok $? "resume after SIGINT finishes the epoch"

# Mid-epoch resume: a run interrupted after a checkpoint within epoch 1
# (SIGINT: saved at the next batch; SIGKILL: the last --checkpoint-every
# one) and resumed gives the uninterrupted run's rows (time columns
# excepted): same order, same noise, same loss sums.
C=(--dataset csv --train "$D/big.csv" --test "$D/te64.csv" --arch "$NET"
   --noise gauss:sigma=0.01 --no-progress --batch 16 --epochs 3)
"$T" "${C[@]}" --quiet --output "$D/u.csv"; ok $? "3 epochs uninterrupted"
dead=$(sh -c 'echo $$')
for sig in INT KILL; do
	rm -f "$D/ck3" "$D/r.csv"
	"$T" "${C[@]}" --quiet --checkpoint "$D/ck3" --checkpoint-every 20 \
		--output "$D/r.csv" &
	pid=$!
	for i in $(seq 3000); do [ -s "$D/ck3" ] && break; sleep 0.01; done
	kill -$sig $pid
	{ wait $pid; } 2>/dev/null
	st=$?
	# What a SIGKILL during a write leaves: the next start removes it.
	echo junk >"$D/ck3.tmp.$dead.1"
	out=$("$T" "${C[@]}" --checkpoint "$D/ck3" --checkpoint-every 20 \
		--resume --output "$D/r.csv" 2>&1 >/dev/null)
	ok $? "SIG$sig (exit $st) and resume: ${out//$'\n'/; }"
	[[ $out == *"resuming epoch 1 at batch "* ]]
	ok $? "SIG$sig: the resume was within epoch 1"
	diff <(cut -d, -f1-7,10 "$D/u.csv") <(cut -d, -f1-7,10 "$D/r.csv") >/dev/null
	ok $? "SIG$sig: resumed rows equal the uninterrupted rows"
	[ ! -e "$D/ck3.tmp.$dead.1" ]; ok $? "SIG$sig: stale temporary file removed"
done
out=$("$T" "${C[@]}" --checkpoint-every 5 2>&1); st=$?
[ $st -eq 2 ] && [[ $out == *"needs --checkpoint"* ]]; ok $? "--checkpoint-every without --checkpoint: $out"

out=$("$T" --dataset csv --train "$D/missing.csv" --test "$D/te.csv" 2>&1); st=$?
[ $st -eq 1 ] && [[ $out == *missing.csv* ]]; ok $? "missing data file: exit $st, message names it"
printf '1,2\nx\n' >"$D/bad.csv"
out=$("$T" --dataset csv --train "$D/bad.csv" --test "$D/te.csv" 2>&1); st=$?
[ $st -eq 1 ] && [[ $out == *"line 2"* ]]; ok $? "malformed CSV: $out"
out=$("$T" "${A[@]}" --noise nonsense:x=1 --epochs 1 2>&1); st=$?
[ $st -eq 1 ] && [[ $out == *nonsense* ]]; ok $? "bad noise spec: $out"

tap_done
