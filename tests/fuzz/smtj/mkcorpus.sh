#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Seed corpora of the libsmtj fuzzers into $1/{spec,u16,f32,csv,replay}: valid
# inputs and near misses.
set -eu
D=$1
mkdir -p "$D/spec" "$D/u16" "$D/f32" "$D/csv" "$D/replay"
i=0
for s in gauss 'gauss:sigma=2,h=3,offset=0.5' 'bernoulli:sigma=0.0125,h=1' \
	'bernoulli:p=0.3,h=4,centred,cond=std,alpha=2' hmm 'hmm:serial' \
	'hmm:p=0.1,cond=binary,arduino' 'junction:n=2,delta=10/12,rp=1000/2000,rap=1500/3000' \
	'junction:serial,i=0.1,bits=12' 'gauss:window=5,advance=2' 'hmm:sigma=1,'; do
	i=$((i + 1))
	printf '%s' "$s" >"$D/spec/s$i"
done
printf '\001\000\002\000\377\377' >"$D/u16/good"
printf '\001\000\002' >"$D/u16/odd"
printf '\000\000\200\077\000\000\000\100' >"$D/f32/good"
printf '\000\000\300\177' >"$D/f32/nan"
printf 'V\n0.1\n0.2\n' >"$D/csv/header"
printf 't,V\n0,0.1\n1,0.2\n' >"$D/csv/cols"
printf '0.1\n0.2\n1e-3\n' >"$D/csv/plain"
printf '0.1\n\n# comment\nabc\n' >"$D/csv/bad"
# replay: flags (bit 0 f32, bits 1-2 h - 1, bit 3 passes=2, bit 4
# cond=binary, bit 5 scale=-0.5), start (2 bytes), shapes, then the file
printf '\000\000\000\007\001\000\002\000\377\377' >"$D/replay/u16"
printf '\001\001\000\045\000\000\200\077\000\000\000\100' >"$D/replay/f32"
printf '\000\000\000\000\001\000\002' >"$D/replay/odd"
printf '\001\000\000\000\000\000\300\177' >"$D/replay/nan"
printf '\000\011\000\000\001\000' >"$D/replay/start-beyond"
two=''
for k in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	two="$two\\000\\020\\000\\020\\001\\030\\000\\030\\002\\020\\000\\030"
done
printf "\\036\\003\\000\\133$two" >"$D/replay/u16-levels"
printf "\\023\\000\\000\\222$two" >"$D/replay/f32-levels"
