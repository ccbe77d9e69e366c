#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# DKMS building the packaged module source for the image's other kernels:
# the 6.12 amd64 headers natively, the 6.1 arm64 headers with the cross
# compiler.  Runs on the host, chrooted into the cached image (mounted
# read-only under a throw-away overlay), with the image's own dkms, gcc
# and headers: the same system that run.sh boots, without paying for
# emulation.  The booted system builds only for its running kernel
# (guest.sh hides the 6.12 headers there).
#
#   tests/system/dkms-kernels.sh IMAGEDIR DKMSDEB
#
# TAP on stdout; "PASSED FAILED" goes to $SMTJ_COUNTS/system-dkms.
# Environment: KVER612 (6.12 amd64), KVER_ARM64 (6.1 arm64).
set -uo pipefail
image=${1:?usage: dkms-kernels.sh IMAGEDIR DKMSDEB}
deb=${2:?usage: dkms-kernels.sh IMAGEDIR DKMSDEB}
: "${KVER612:?}" "${KVER_ARM64:?}"
plan=4
passed=0
n=0

counts() {
	[ -n "${SMTJ_COUNTS:-}" ] && echo "$passed $((plan - passed))" >"$SMTJ_COUNTS/system-dkms"
	return 0
}
ok() {	# ok DESCRIPTION COMMAND...
	local d=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n - $d"
		passed=$((passed + 1))
	else
		echo "not ok $n - $d"
	fi
}

# The mounts, innermost last; undone in reverse order (never a recursive
# delete of a tree that may still have something mounted in it).
m=$(mktemp -d /tmp/smtj-dkms.XXXXXX)
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" || umount -l "${mounted[i]}"
	done
	rmdir "$m"/lower "$m"/rw "$m"/root 2>/dev/null
	rmdir "$m"
}
trap cleanup EXIT
trap "exit 1" HUP INT PIPE TERM
mnt() {	# mnt DIR MOUNT-ARGS...
	mount "${@:2}" "$1" && mounted+=("$1")
}
mkdir "$m/lower" "$m/rw" "$m/root"
# The chroot's /dev: a tmpfs with the few nodes a build uses, never a
# bind of the host's /dev, where a tool in the chroot that replaces
# /dev/null by a file (unlink, then create) would replace the host's.
dev_nodes() {	# dev_nodes DIR
	local n name major minor
	for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
		IFS=: read -r name major minor <<<"$n"
		mknod -m 0666 "$1/$name" c "$major" "$minor" || return 1
	done
	ln -s /proc/self/fd "$1/fd"
}
root=$m/root
mount_image() {
	mnt "$m/lower" -o ro,loop,noload "$image/rootfs.ext4" &&
		mnt "$m/rw" -t tmpfs -o size=2g tmpfs &&
		mkdir "$m/rw/upper" "$m/rw/work" &&
		mnt "$root" -t overlay overlay \
			-o "lowerdir=$m/lower,upperdir=$m/rw/upper,workdir=$m/rw/work" &&
		mnt "$root/proc" -t proc proc &&
		mnt "$root/dev" -t tmpfs -o mode=0755,size=1m dev &&
		dev_nodes "$root/dev"
}
if ! mount_image; then
	echo "dkms-kernels: mounting the image failed" >&2
	counts
	exit 1
fi

echo "1..$plan"
log=$m/rw/dkms.log
# The source tree exactly as the package installs it (only /usr/src: the
# image's /lib is merged-/usr's link, which extracting the whole package
# would replace with a directory); DKMS then works on it as the package's
# postinst would.
ver=$(dpkg-deb -f "$deb" Version)
ver=${ver%%-*}
added() {
	dpkg-deb --fsys-tarfile "$deb" | tar -x -C "$root" ./usr/src && chroot "$root" dkms add "smtj/$ver" >"$log" 2>&1
}
ok "smtj-dkms's /usr/src unpacked and dkms add smtj/$ver" added

built_for() {	# built_for KVER ARCH ELF-MACHINE
	local ko
	ko=$(find "$root/var/lib/dkms/smtj/$ver/$1/$2/module" -name 'smtj.ko*' 2>/dev/null | head -n 1)
	[ -n "$ko" ] || { echo "no smtj.ko for $1/$2" >&2; return 1; }
	case $ko in *.xz) xz -dc "$ko" >"$m/rw/smtj.ko" && ko=$m/rw/smtj.ko ;; esac
	# (not piped into grep -q: under pipefail, an early exit of grep
	# would fail the writer with SIGPIPE)
	[[ $(readelf -h "$ko") == *Machine:*"$3"* ]] &&
		[[ $(modinfo -F vermagic "$ko") == "$1 "* ]]
}
build() {	# build [VAR=VALUE...] COMMAND...: in the image; its log on failure only
	chroot "$root" env "$@" >"$log" 2>&1 || { cat "$log" >&2; return 1; }
}
build dkms build "smtj/$ver" -k "$KVER612"
ok "DKMS built smtj for 6.12 ($KVER612)" built_for "$KVER612" x86_64 'Advanced Micro Devices X86-64'
# ARCH and CROSS_COMPILE reach kbuild through DKMS's environment; -a names
# DKMS's tree for the architecture.
build ARCH=arm64 CROSS_COMPILE=aarch64-linux-gnu- dkms build "smtj/$ver" -k "$KVER_ARM64" \
	-a aarch64 --kernelsourcedir "/usr/src/linux-headers-$KVER_ARM64"
ok "DKMS cross-built smtj for arm64 ($KVER_ARM64)" built_for "$KVER_ARM64" aarch64 AArch64
removed() {
	chroot "$root" dkms remove "smtj/$ver" --all >"$log" 2>&1 &&
		[ ! -e "$root/var/lib/dkms/smtj/$ver" ]
}
ok "dkms remove --all leaves no smtj tree" removed
counts
[ "$passed" = "$plan" ]
