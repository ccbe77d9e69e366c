#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Seed corpora of the libsmtj fuzzers into $1/{spec,u16,f32,csv}: valid
# inputs and near misses.
set -eu
D=$1
mkdir -p "$D/spec" "$D/u16" "$D/f32" "$D/csv"
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
