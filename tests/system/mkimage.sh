#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Debian 12 system that tests/system/run.sh boots: systemd and udev, the
# kernel $KVER (Debian's 6.1 amd64, with its own initramfs), and what DKMS
# needs to build smtj.ko as on a user's machine (dkms, gcc, make, headers of
# $KVER), plus the 6.12 amd64 headers and the 6.1 arm64 headers with
# gcc-aarch64-linux-gnu, so that the test can show DKMS building for those
# kernels too.  The runtime dependencies of the .debs under test are
# installed as well: the VM has no network, and `apt install ./x.deb` must
# find everything it needs already there.
#
#   tests/system/mkimage.sh OUTDIR DEBDIR
#
# OUTDIR gets rootfs.ext4, vmlinuz, initrd.img and packages (the list the
# image was built from).  Built with mmdebstrap from the host's apt
# sources; the caller keys OUTDIR by the package list (run.sh), so a second
# run with the same list reuses the image.
#
# Environment: KVER (6.1 amd64), KVER612 (6.12 amd64), ARM64_HEADERS_DEB
# (linux-headers-<6.1 arm64>_arm64.deb, from scripts/fetch-kernels.sh).
set -euo pipefail
out=${1:?usage: mkimage.sh OUTDIR DEBDIR}
debdir=${2:?usage: mkimage.sh OUTDIR DEBDIR}
here=$(cd "$(dirname "$0")" && pwd)
: "${KVER:?}" "${KVER612:?}" "${ARM64_HEADERS_DEB:?}"

packages=$("$here/packages.sh" "$debdir")
tmp=$out.tmp
# mmdebstrap mounts /proc, /sys and /dev inside while it works: never
# delete a tree that an interrupted run left something mounted in.
remove_tmp() {
	if awk -v d="$tmp/" 'index($2, d) == 1 { found = 1 } END { exit !found }' /proc/self/mounts; then
		echo "mkimage: something is still mounted under $tmp; not deleting it" >&2
		return 1
	fi
	rm -rf "$tmp"
}
remove_tmp
mkdir -p "$tmp/root"
trap remove_tmp EXIT

# The host's apt sources, as one-line entries.
mapfile -t sources < <("$here/../../scripts/apt-sources.sh")

# Hooks, in order: before the kernel is installed, a small initramfs
# (only the modules that mount the root disk); after everything, the
# arm64 headers' /usr/src tree (unpacked, not installed: their kbuild
# links then point at the image's amd64 linux-kbuild-6.1; without their
# /lib/modules link, so that DKMS runs, the package's postinst's too, do
# not try an arm64 build with the native compiler: the test cross-builds
# for that kernel explicitly), the serial getty off, the test unit.
arm64_name=$(basename "$ARM64_HEADERS_DEB")
# shellcheck disable=SC2016 # the hooks' $1 is mmdebstrap's root directory
mmdebstrap --quiet --variant=minbase --include="$(echo $packages | tr ' ' ,)" \
	--essential-hook='mkdir -p "$1/etc/initramfs-tools/conf.d" "$1/usr/share/initramfs-tools/modules.d"' \
	--essential-hook='echo MODULES=list >"$1/etc/initramfs-tools/conf.d/smtj-vm.conf"' \
	--essential-hook='printf "virtio_pci\nvirtio_blk\next4\n" >"$1/usr/share/initramfs-tools/modules.d/smtj-vm"' \
	--customize-hook="copy-in $ARM64_HEADERS_DEB /tmp" \
	--customize-hook="chroot \"\$1\" sh -c 'dpkg-deb --fsys-tarfile /tmp/$arm64_name | tar -x -C / ./usr/src'" \
	--customize-hook="rm -f \"\$1/tmp/$arm64_name\"" \
	--customize-hook="copy-in $here/smtj-system-test.service /etc/systemd/system" \
	--customize-hook='chroot "$1" systemctl enable smtj-system-test.service' \
	--customize-hook='chroot "$1" systemctl mask serial-getty@ttyS0.service serial-getty@ttyS1.service' \
	--customize-hook='echo smtj-test >"$1/etc/hostname"' \
	--customize-hook='printf "/dev/vda / ext4 defaults 0 1\n" >"$1/etc/fstab"' \
	--customize-hook='rm -rf "$1/var/cache/apt/archives"/*.deb "$1/var/lib/apt/lists"/*_Packages' \
	bookworm "$tmp/root" "${sources[@]}"

cp "$tmp/root/boot/vmlinuz-$KVER" "$tmp/vmlinuz"
cp "$tmp/root/boot/initrd.img-$KVER" "$tmp/initrd.img"
# Room for DKMS builds (three kernels) and the test's files.
mb=$(( $(du -sm "$tmp/root" | cut -f1) * 13 / 10 + 768 ))
mke2fs -q -t ext4 -L smtj-root -d "$tmp/root" "$tmp/rootfs.ext4" "${mb}M"
rm -rf "$tmp/root"
echo "$packages" >"$tmp/packages"
rm -rf "$out"
mv "$tmp" "$out"
trap - EXIT
