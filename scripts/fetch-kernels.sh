#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fetch the extra kernels and foreign userland the VM matrix needs, from
# Debian's archive only (apt-get download + dpkg-deb -x; nothing is
# installed, so no initramfs hooks run and the host is not changed beyond
# `dpkg --add-architecture arm64` + `apt-get update` when arm64 is missing).
#
#   scripts/fetch-kernels.sh [--refresh] [TARGET...]   default: all targets
#
# Targets (each unpacked under $KERNELS/<target>/root, default
# KERNELS=$SMTJ_CACHE/kernels, SMTJ_CACHE=${XDG_CACHE_HOME:-~/.cache}/smtj):
#   arm64-6.1     Debian 6.1 arm64 image + headers; the headers' scripts/ and
#                 tools/ point at the host's /usr/lib/linux-kbuild-6.1 so
#                 modules cross-build with ARCH=arm64
#                 CROSS_COMPILE=aarch64-linux-gnu-
#   amd64-6.12    Debian 6.12 amd64 image + headers (+ common + kbuild)
#   arm64-6.12    Debian 6.12 arm64 image + headers (+ common, and the amd64
#                 kbuild of the same version for the host tools)
#   arm64-user    busybox-static:arm64, liburing-dev:arm64 and libfftw3-dev:arm64
#                 (static libraries of the VM test programs) for an arm64
#                 initramfs
#
# Each target gets $KERNELS/<target>/env, a shell/make fragment:
#   KVER=...  KARCH=...  KDIR=...  VMLINUZ=...  MODDIR=...   (kernels)
#   BUSYBOX=...  URING_INC=...  URING_LIB=...                  (arm64-user)
# Downloaded .debs are kept in $DEB_CACHE (default $KERNELS/debs); a target
# whose env file exists and is newer than its .debs is left alone, so a
# second run does nothing; and without --refresh a target whose env file
# exists is not even looked up in apt (apt-cache takes seconds per query
# here).  Environment: SMTJ_CACHE, KERNELS, DEB_CACHE,
# KVER61 (default: ABI of the newest installed 6.1 amd64 headers, else the
# archive's linux-image-arm64).
set -eu

SMTJ_CACHE=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}
KERNELS=${KERNELS:-$SMTJ_CACHE/kernels}
DEB_CACHE=${DEB_CACHE:-$KERNELS/debs}
KBUILD61=/usr/lib/linux-kbuild-6.1

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo

die() {
	echo "fetch-kernels: $*" >&2
	exit 1
}

say() {
	echo "fetch-kernels: $*" >&2
}

# The package a Debian meta package depends on (its first Depends).
resolve() {
	apt-cache depends --important "$1" 2>/dev/null |
		awk '$1 == "Depends:" { print $2; exit }' | sed 's/^<//; s/>$//'
}

ensure_arm64() {
	if ! dpkg --print-foreign-architectures | grep -qx arm64; then
		say "adding dpkg architecture arm64"
		$SUDO dpkg --add-architecture arm64
		$SUDO apt-get update -qq
	elif ! apt-cache show busybox-static:arm64 >/dev/null 2>&1; then
		$SUDO apt-get update -qq
	fi
}

# download PKG...: into $DEB_CACHE unless already there; prints the paths.
download() {
	mkdir -p "$DEB_CACHE"
	for p in "$@"; do
		name=${p%%:*}
		arch=$(echo "$p" | sed -n 's/.*:\(.*\)/\1/p')
		[ -n "$arch" ] || arch=$(dpkg --print-architecture)
		ver=$(apt-cache policy "$p" | awk '$1 == "Candidate:" { print $2 }')
		[ -n "$ver" ] && [ "$ver" != "(none)" ] ||
			die "package $p is not in the archive (apt-get update?)"
		# dpkg file names encode the epoch's colon as %3a
		fver=$(echo "$ver" | sed 's/:/%3a/')
		f=$(ls "$DEB_CACHE/${name}_${fver}_${arch}.deb" \
			"$DEB_CACHE/${name}_${fver}_all.deb" 2>/dev/null | head -n 1 || true)
		if [ -z "$f" ]; then
			say "downloading $p $ver"
			(cd "$DEB_CACHE" && apt-get download -qq \
			-o APT::Sandbox::User=root "$p=$ver") ||
				die "apt-get download $p failed"
			f=$(ls "$DEB_CACHE/${name}_${fver}_${arch}.deb" \
				"$DEB_CACHE/${name}_${fver}_all.deb" 2>/dev/null | head -n 1)
		fi
		echo "$f"
	done
}

# unpack TARGET DEB...: fresh extraction of all DEBs into $KERNELS/TARGET/root
# unless the env file is newer than every DEB.  Returns 1 when up to date.
unpack() {
	t=$1
	shift
	dir=$KERNELS/$t
	if [ -f "$dir/env" ]; then
		stale=0
		for d in "$@"; do
			[ "$d" -nt "$dir/env" ] && stale=1
		done
		[ "$stale" -eq 0 ] && return 1
	fi
	rm -rf "$dir"
	mkdir -p "$dir/root"
	for d in "$@"; do
		dpkg-deb -x "$d" "$dir/root" || die "dpkg-deb -x $d failed"
	done
	return 0
}

default_kver61() {
	[ -n "${KVER61:-}" ] && { echo "$KVER61"; return; }
	k=$(ls -d /usr/src/linux-headers-6.1.*-amd64 2>/dev/null |
		sed 's|.*/linux-headers-||; s|-amd64$||' | sort -V | tail -n 1)
	if [ -z "$k" ]; then
		k=$(resolve linux-image-arm64:arm64 |
			sed 's/^linux-image-//; s/-arm64$//')
	fi
	echo "$k"
}

fetch_arm64_61() {
	ensure_arm64
	abi=$(default_kver61)
	[ -n "$abi" ] || die "cannot tell which 6.1 ABI to fetch"
	kver=$abi-arm64
	[ -d "$KBUILD61/scripts" ] ||
		die "$KBUILD61 missing: install linux-kbuild-6.1 (linux-headers-amd64)"
	debs=$(download "linux-image-$kver:arm64" "linux-headers-$kver:arm64")
	# shellcheck disable=SC2086
	unpack arm64-6.1 $debs || { say "arm64-6.1 up to date ($kver)"; return 0; }
	root=$KERNELS/arm64-6.1/root
	kdir=$root/usr/src/linux-headers-$kver
	# the arm64 headers include the (arch-independent) common tree by
	# absolute path: it must be the host's, of the same ABI
	common=$(sed -n 's/^include \(.*\)\/Makefile$/\1/p' "$kdir/Makefile")
	[ -f "$common/Makefile" ] ||
		die "$common missing: install linux-headers-$abi-common"
	# host kbuild tools instead of the arm64 binaries of linux-kbuild-6.1
	rm -f "$kdir/scripts" "$kdir/tools"
	ln -s "$KBUILD61/scripts" "$kdir/scripts"
	ln -s "$KBUILD61/tools" "$kdir/tools"
	write_env arm64-6.1 "$kver" arm64 "$kdir"
}

# Debian 6.12 for DEBARCH (amd64 or arm64): image and headers of DEBARCH, the
# common headers, and the host's (amd64) kbuild of the same version, whose
# scripts/ and tools/ the headers' relative links already point at.  The
# headers include the common tree by absolute path: point it into the copy.
fetch_612() {
	debarch=$1
	t=$debarch-6.12
	q=
	if [ "$debarch" != "$(dpkg --print-architecture)" ]; then
		ensure_arm64
		q=:$debarch
	fi
	img=$(resolve "linux-image-6.12-$debarch$q")
	[ -n "$img" ] || die "linux-image-6.12-$debarch not in the archive"
	img=${img%"$q"}
	kver=${img#linux-image-}
	base=${kver%-"$debarch"}
	debs=$(download "$img$q" "linux-headers-$kver$q" \
		"linux-headers-$base-common" "linux-kbuild-$base")
	# shellcheck disable=SC2086
	unpack "$t" $debs || { say "$t up to date ($kver)"; return 0; }
	root=$KERNELS/$t/root
	kdir=$root/usr/src/linux-headers-$kver
	sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
	[ -f "$kdir/scripts/Makefile.build" ] || die "$kdir/scripts broken"
	karch=$debarch
	[ "$debarch" = amd64 ] && karch=x86_64
	write_env "$t" "$kver" "$karch" "$kdir"
}

write_env() {
	t=$1 kver=$2 karch=$3 kdir=$4
	root=$KERNELS/$t/root
	vmlinuz=$root/boot/vmlinuz-$kver
	moddir=$root/lib/modules/$kver
	[ -f "$vmlinuz" ] || die "$vmlinuz missing"
	[ -d "$moddir" ] || die "$moddir missing"
	cat >"$KERNELS/$t/env" <<EOF
KVER=$kver
KARCH=$karch
KDIR=$kdir
VMLINUZ=$vmlinuz
MODDIR=$moddir
EOF
	say "$t: $kver ready in $KERNELS/$t"
}

fetch_arm64_user() {
	ensure_arm64
	debs=$(download busybox-static:arm64 liburing-dev:arm64 libfftw3-dev:arm64)
	# shellcheck disable=SC2086
	unpack arm64-user $debs || { say "arm64-user up to date"; return 0; }
	root=$KERNELS/arm64-user/root
	[ -x "$root/bin/busybox" ] || die "busybox missing from busybox-static:arm64"
	lib=$(dirname "$(find "$root/usr/lib" -name liburing.a | head -n 1)")
	[ -f "$lib/liburing.a" ] || die "liburing.a missing from liburing-dev:arm64"
	cat >"$KERNELS/arm64-user/env" <<EOF
BUSYBOX=$root/bin/busybox
URING_INC=$root/usr/include
URING_LIB=$lib
EOF
	say "arm64-user ready in $KERNELS/arm64-user"
}

# One fetch at a time: clones share the cache.
mkdir -p "$KERNELS"
exec 9>"$KERNELS/.lock"
flock 9

refresh=0
if [ "${1:-}" = "--refresh" ]; then
	refresh=1
	shift
fi
[ $# -gt 0 ] || set -- arm64-6.1 amd64-6.12 arm64-6.12 arm64-user
for t in "$@"; do
	if [ "$refresh" -eq 0 ] && [ -f "$KERNELS/$t/env" ]; then
		continue
	fi
	case "$t" in
	arm64-6.1) fetch_arm64_61 ;;
	amd64-6.12) fetch_612 amd64 ;;
	arm64-6.12) fetch_612 arm64 ;;
	arm64-user) fetch_arm64_user ;;
	*) die "unknown target $t (arm64-6.1, amd64-6.12, arm64-6.12, arm64-user)" ;;
	esac
done
