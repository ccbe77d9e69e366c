#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkdemo.sh OUT BASE.cpio.gz WORKDIR TRAINER SMTJCTL MNIST-DIR
# Append a cpio archive with the trainer, smtjctl and MNIST to the test
# VM's initramfs.  Concatenated gzip'd cpio archives are one initramfs to
# the kernel (Documentation/driver-api/early-userspace/buffer-format.rst).
set -euo pipefail
out=$1 base=$2 work=$3 trainer=$4 ctl=$5 mnist=$6
for f in train-images-idx3-ubyte train-labels-idx1-ubyte \
	 t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
	[ -s "$mnist/$f" ] || { echo "mkdemo: $mnist/$f missing (scripts/fetch-mnist.sh)" >&2; exit 1; }
done
rm -rf "$work"
mkdir -p "$work/usr/bin" "$work/data/mnist"
install -m 0755 "$trainer" "$work/usr/bin/smtj-train"
install -m 0755 "$ctl" "$work/usr/bin/smtjctl"
cp "$mnist"/*-ubyte "$work/data/mnist/"
(cd "$work" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out.extra"
cat "$base" "$out.extra" >"$out.tmp"
rm -f "$out.extra"
mv "$out.tmp" "$out"
