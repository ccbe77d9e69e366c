#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# mkimage.sh OUT BASE.cpio.gz WORKDIR FILE=DEST...
# Append a cpio archive of the given files (each installed at DEST in the
# guest) to the test VM's initramfs; concatenated gzip'd cpio archives are
# one initramfs to the kernel.
set -euo pipefail
out=$1 base=$2 work=$3
shift 3
rm -rf "$work"
for f in "$@"; do
	src=${f%%=*} dest=${f#*=}
	[ -e "$src" ] || { echo "mkimage: $src missing" >&2; exit 1; }
	mkdir -p "$work$(dirname "$dest")"
	if [ -d "$src" ]; then cp -r "$src" "$work$dest"; else install -m 0755 "$src" "$work$dest"; fi
done
(cd "$work" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -1 >"$out.extra"
cat "$base" "$out.extra" >"$out.tmp"
rm -f "$out.extra"
mv "$out.tmp" "$out"
