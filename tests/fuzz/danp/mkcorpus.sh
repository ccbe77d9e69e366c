#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Write the seed corpora of the libdanp fuzzers into $1/{idx,cifar,csv}:
# small valid files and a few near misses.
set -eu
D=$1
mkdir -p "$D/idx" "$D/cifar" "$D/csv"
# IDX labels (selector 0) and images (selector 1): 3 labels / 3 images 2x2.
printf '\000\000\000\010\001\000\000\000\003\001\002\003' > "$D/idx/labels"
printf '\001\000\000\010\003\000\000\000\003\000\000\000\002\000\000\000\002abcdefghijkl' > "$D/idx/images"
printf '\001\000\000\010\003\000\000\000\003\000\000' > "$D/idx/short"
# CIFAR-10 record (selector 0) and CIFAR-100 record (selector 1).
{ printf '\000\003'; head -c 3072 /dev/zero; } > "$D/cifar/c10"
{ printf '\001\005\077'; head -c 3072 /dev/zero; } > "$D/cifar/c100"
printf 'label,a,b\n1,0.5,2\n0,-1,3e2\n' > "$D/csv/good"
printf '1,2,3\n1,2\n' > "$D/csv/cols"
