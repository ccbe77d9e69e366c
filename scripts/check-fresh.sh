#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# `make check-fresh`: run `make check` as a new user would, on a brand-new
# Debian 12 root that has only what `--variant=minbase` gives plus git, make
# and ca-certificates.  The current commit (HEAD of the clone this runs
# from; uncommitted changes are not part of it) is cloned into the root, and
# the last line is `make check`'s own "N passed, M failed", with its status.
#
# The pristine root is built once with mmdebstrap, from the host's apt
# sources, and kept as a tarball in $SMTJ_CACHE/fresh/ (its name carries a
# hash of the package list and sources, so a change builds a new one).
# Every run unpacks a fresh copy under $BUILD/fresh/root.
#
# The root does not see the host's $SMTJ_CACHE: kernels, MNIST and images
# are downloaded and built again inside it, as on a new machine.  With
# SMTJ_FRESH_SHARE_CACHE=1 the host's cache is bound at the root's
# ~/.cache/smtj instead (faster, but then the run no longer proves that the
# downloads work from nothing).
#
# /dev inside the root is a small tmpfs with the usual character devices
# and the loop devices, not a bind of the host's /dev: `make clean` (rm -rf
# build/) during a run must not be able to reach the host's device nodes.  There is no /dev/kvm,
# so the VM stages use TCG, as they do on the project's machines anyway.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-$top/build}
cache=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}
fresh=$build/fresh
root=$fresh/root
suite=bookworm
include=git,make,ca-certificates

[ "$(id -u)" -eq 0 ] || { echo "check-fresh: needs root (chroot, mounts)" >&2; exit 2; }

# Its own prerequisite, installed once (check-fresh is not part of `make check`).
if ! command -v mmdebstrap >/dev/null; then
	apt-get -o DPkg::Lock::Timeout=900 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=900 \
		install -y -qq --no-install-recommends mmdebstrap >/dev/null
fi

mapfile -t sources < <("$top/scripts/apt-sources.sh")
[ ${#sources[@]} -gt 0 ] || { echo "check-fresh: no apt sources on the host" >&2; exit 2; }

key=$(printf '%s\n' "$suite" "$include" "${sources[@]}" | sha256sum | cut -c1-12)
pristine=$cache/fresh/$suite-minbase-$key.tar
mkdir -p "$cache/fresh"
(
	flock 9
	if [ ! -s "$pristine" ]; then
		echo "check-fresh: building the pristine root ($pristine)"
		mmdebstrap --quiet --format=tar --variant=minbase --include="$include" "$suite" \
			"$pristine.tmp" "${sources[@]}"
		mv "$pristine.tmp" "$pristine"
	fi
) 9>"$cache/fresh/.lock"

# Never delete a tree that still has something mounted in it.
mounted_under() { awk -v d="$1/" 'index($2, d) == 1 { print $2 }' /proc/self/mounts; }
umount_all() {
	local m
	mounted_under "$root" | sort -r | while read -r m; do umount -l "$m" || true; done
}
umount_all
if [ -n "$(mounted_under "$root")" ]; then
	echo "check-fresh: still mounted under $root; not deleting it" >&2
	exit 2
fi
rm -rf "$root"
mkdir -p "$root"
tar -C "$root" -xf "$pristine"

# Name resolution and the host's trust store, so that apt and npm work.
cp /etc/resolv.conf "$root/etc/resolv.conf"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

# The current commit, cloned as a new user would.
rev=$(git -C "$top" rev-parse HEAD)
git clone -q --no-checkout "$top" "$root/root/smtj"
git -C "$root/root/smtj" checkout -q --detach "$rev"
echo "check-fresh: commit $(git -C "$top" log -1 --format='%h %s' "$rev")"

trap umount_all EXIT
mount -t proc proc "$root/proc"
mount -t sysfs sysfs "$root/sys"
# The cgroup hierarchies a booted machine has mounted (slurmd of the sweep
# test refuses to start without them: "No filesystem mounted on
# /sys/fs/cgroup").  A slave copy: unmounting it never reaches the host's.
if mountpoint -q /sys/fs/cgroup; then
	mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"
	mount --make-rslave "$root/sys/fs/cgroup"
fi
mount -t tmpfs -o mode=0755,size=64m dev "$root/dev"
for n in null:1:3 zero:1:5 full:1:7 random:1:8 urandom:1:9 tty:5:0; do
	IFS=: read -r name major minor <<<"$n"
	mknod -m 0666 "$root/dev/$name" c "$major" "$minor"
done
# The loop devices a machine has (the system stage mounts its cached image
# read-only through one): /dev/loop-control and loop0..63.  The host's
# loop driver allocates them; the nodes only name them.
mknod -m 0660 "$root/dev/loop-control" c 10 237
for i in $(seq 0 63); do mknod -m 0660 "$root/dev/loop$i" b 7 "$i"; done
mkdir -p "$root/dev/pts" "$root/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
ln -s pts/ptmx "$root/dev/ptmx"
mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
ln -s /proc/self/fd "$root/dev/fd"
for n in 0:stdin 1:stdout 2:stderr; do ln -s "/proc/self/fd/${n%%:*}" "$root/dev/${n#*:}"; done
if [ "${SMTJ_FRESH_SHARE_CACHE:-0}" = 1 ]; then
	mkdir -p "$root/root/.cache/smtj"
	mount --bind "$cache" "$root/root/.cache/smtj"
	echo "check-fresh: sharing the host's download cache $cache"
fi

set +e
chroot "$root" /usr/bin/env -i HOME=/root TERM=dumb LANG=C.UTF-8 \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt \
	NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
	/bin/sh -c 'cd /root/smtj && make check' 2>&1 | tee "$fresh/check.log"
rc=${PIPESTATUS[0]}
exit "$rc"
