#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make deb: the Debian binary packages (dpkg-buildpackage -b -us -uc) for
# ARCH, built on a copy of the source tree so that the clone stays clean
# and the packages land in OUTDIR, not in the clone's parent directory.
# For a foreign ARCH (arm64 on amd64) the build is a cross-build: its
# build dependencies are the arm64 -dev packages, installed next to the
# amd64 ones (multiarch; apt-get build-dep -a ARCH) when running as root.
# Then lintian checks the packages (OUTDIR/lintian-ARCH.log); an error
# fails.  Nothing is rebuilt when OUTDIR holds the packages of this very
# tree already.
#
# Usage: build-deb.sh OUTDIR [ARCH]
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=$1
ARCH=${2:-$(dpkg-architecture -qDEB_HOST_ARCH)}
BUILD_ARCH=$(dpkg-architecture -qDEB_BUILD_ARCH)
VERSION=$(cat "$TOP/VERSION")
WORK=$OUT/.tree-$ARCH
SRC=$WORK/smtj-$VERSION

# The build dependencies for ARCH: what debian/control names, resolved by
# apt (for a cross-build apt picks the ARCH variants and the cross
# toolchain).  Only when something is missing.
# A cross-build uses the cross and nocheck profiles (below), so their
# build dependencies are the ones to check: python3-dev is <!cross>.
profiles=()
[ "$ARCH" != "$BUILD_ARCH" ] && profiles=(-P cross,nocheck)
if ! (cd "$TOP" && dpkg-checkbuilddeps -a "$ARCH" "${profiles[@]}" >/dev/null 2>&1); then
	if [ "$(id -u)" -ne 0 ]; then
		(cd "$TOP" && dpkg-checkbuilddeps -a "$ARCH" "${profiles[@]}") || true
		echo "build-deb: install the build dependencies above (as root: apt-get build-dep -a $ARCH ./)" >&2
		exit 1
	fi
	if [ "$ARCH" != "$BUILD_ARCH" ] &&
		! dpkg --print-foreign-architectures | grep -qx "$ARCH"; then
		dpkg --add-architecture "$ARCH"
		apt-get -o DPkg::Lock::Timeout=900 update -qq
	fi
	# --no-remove: a foreign build dependency that is not co-installable
	# (python3-dev:arm64 was, before it became <!cross>) makes apt replace
	# the host's packages with ARCH ones; here it removed python3,
	# clang-tidy and nodejs.  Better to stop and say so.
	echo "build-deb: installing the build dependencies for $ARCH"
	(cd "$TOP" && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		build-dep -y -qq --no-install-recommends --no-remove \
		-a "$ARCH" "${profiles[@]}" ./ >/dev/null) || {
		echo "build-deb: apt cannot add the $ARCH build dependencies without removing packages; nothing was changed" >&2
		exit 1
	}
fi

# The copy: the files git knows (tracked, and new ones not ignored), or
# everything but build/ outside a git checkout.  Its digest (contents and
# names only) says whether the packages in OUTDIR are already of this tree.
rm -rf "$WORK"
mkdir -p "$SRC"
if git -C "$TOP" rev-parse --git-dir >/dev/null 2>&1; then
	(cd "$TOP" && git ls-files -z --cached --others --exclude-standard |
		xargs -0 tar -cf - --no-recursion) | tar -xf - -C "$SRC"
else
	tar -C "$TOP" --exclude=./build -cf - . | tar -xf - -C "$SRC"
fi
digest=$(tar -C "$SRC" -cf - --sort=name --mtime=@0 --owner=0 --group=0 \
	--numeric-owner . | sha256sum | cut -d' ' -f1)
stamp=$OUT/.tree-$ARCH.sha256
if [ "${DEB_FORCE:-0}" != 1 ] && [ "$(cat "$stamp" 2>/dev/null)" = "$digest" ] &&
	[ -f "$OUT/smtj_${VERSION}_$ARCH.changes" ]; then
	rm -rf "$WORK"
	echo "build-deb: $ARCH packages in $OUT are up to date (DEB_FORCE=1 rebuilds)"
	exit 0
fi
rm -f "$stamp"

# debian/rules runs no tests (make check does), so a cross-build says
# nocheck and the cross profile, as Debian's cross-builds do.
cross=()
opts=${DEB_BUILD_OPTIONS:-parallel=2}
if [ "$ARCH" != "$BUILD_ARCH" ]; then
	cross=(-a "$ARCH" -Pcross,nocheck)
	opts="$opts nocheck"
fi
start=$SECONDS
(cd "$SRC" && DEB_BUILD_OPTIONS="$opts" \
	dpkg-buildpackage -b -us -uc "${cross[@]}") >"$WORK/build.log" 2>&1 || {
	tail -n 40 "$WORK/build.log"
	echo "build-deb: dpkg-buildpackage failed; log: $WORK/build.log" >&2
	exit 1
}
secs=$((SECONDS - start))

# Only this architecture's files are replaced (arch: all goes with each).
mkdir -p "$OUT"
rm -f "$OUT"/*_"$ARCH".deb "$OUT"/*_all.deb "$OUT"/smtj_*_"$ARCH".changes \
	"$OUT"/smtj_*_"$ARCH".buildinfo
mv "$WORK"/*.deb "$WORK"/*.changes "$WORK"/*.buildinfo "$OUT"/
changes=$OUT/smtj_${VERSION}_$ARCH.changes
echo "build-deb: $ARCH packages in $OUT ($secs s):"
sed -n 's/^ [0-9a-f]\{40\} [0-9]* \(.*\.deb\)$/  \1/p' "$changes"

# DEB_LINTIAN=0 skips lintian (it takes about a minute).
if [ "${DEB_LINTIAN:-1}" = 1 ]; then
	lintian --info --display-info --pedantic "$changes" >"$OUT/lintian-$ARCH.log" 2>&1 || true
	e=$(grep -c '^E: ' "$OUT/lintian-$ARCH.log" || true)
	w=$(grep -c '^W: ' "$OUT/lintian-$ARCH.log" || true)
	echo "build-deb: lintian: $e errors, $w warnings ($OUT/lintian-$ARCH.log)"
	[ "$e" -eq 0 ] || { grep '^E: ' "$OUT/lintian-$ARCH.log"; exit 1; }
fi
echo "$digest" >"$stamp"
rm -rf "$WORK"
