#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The system test: boot a real Debian 12 system (systemd, udev, Debian's
# 6.1 kernel) under QEMU, install the project's .debs there with apt and
# let DKMS build the module, as on a user's machine; guest.sh runs the
# checks and writes TAP to the second serial port.  Meanwhile
# dkms-kernels.sh has DKMS build for the image's other kernels (6.12
# amd64, 6.1 arm64) on the host, chrooted into the same image.
#
#   tests/system/run.sh DEBDIR
#
# The image (tests/system/mkimage.sh) is cached in $SMTJ_CACHE/system/,
# keyed by its package list and the files it is built from, so only the
# first run pays for it.  The .debs and guest.sh go on a small second disk;
# the image itself is booted with snapshot=on and never changes.
#
# Passes only if the TAP plan is complete, every test point is "ok" and
# guest.sh wrote its final line: QEMU's exit status means nothing (it is 0
# after a guest panic too).  "PASSED FAILED" goes to $SMTJ_COUNTS/system.
# Leaves build/system/: console.log, tap.log, summary.txt.
#
# Environment: KVER (6.1 amd64 kernel), BUILD, SMTJ_CACHE, SYSTEM_TIMEOUT
# (seconds for the whole VM run, default 2400: DKMS alone took
# 10 minutes in the guest at a host load of 12), SYSTEM_BOOT_TIMEOUT
# (seconds from start to guest.sh's plan line, default 600: 18-124 s seen,
# idle to inside make check), SYSTEM_MEM (MiB, default 2048), SYSTEM_CPU (QEMU's -cpu,
# default Westmere), SYSTEM_SMP (CPUs of the first boot, default 2; a
# second boot after a stall has one).
# SYSTEM_GUEST=SCRIPT boots the same image for another job (a benchmark):
# SCRIPT goes on the disk as guest.sh (the name the image's service runs,
# so the image and its key stay the same) with the files named in
# SYSTEM_GUEST_FILES, without the test's MNIST subset and without the
# host-side DKMS builds (they would compete with the VM for the CPUs);
# its TAP is judged as the test's.  SYSTEM_OUT: the directory left behind
# (default $BUILD/system).
set -uo pipefail
debdir=${1:?usage: run.sh DEBDIR}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${BUILD:-$top/build}
cache=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}
out=${SYSTEM_OUT:-$build/system}
guest=${SYSTEM_GUEST:-}
: "${KVER:?KVER (the 6.1 amd64 kernel) is not set}"
: "${SYSTEM_TIMEOUT:=2400}" "${SYSTEM_BOOT_TIMEOUT:=600}" "${SYSTEM_MEM:=2048}"
: "${SYSTEM_CPU:=Westmere}" "${SYSTEM_SMP:=2}"
start=$SECONDS
mkdir -p "$out"
rm -f "$out"/{console.log,tap.log,summary.txt}

counts() {	# counts PASSED FAILED
	[ -n "${SMTJ_COUNTS:-}" ] && echo "$1 $2" >"$SMTJ_COUNTS/system"
	return 0
}
die() {
	echo "system: $*" >&2
	counts 0 1
	exit 1
}

# The other kernels DKMS must build for: the VM stage's cache has them.
"$top/scripts/fetch-kernels.sh" amd64-6.12 arm64-6.1 >/dev/null || die "fetch-kernels failed"
kernels=${KERNELS:-$cache/kernels}
KVER612=$(. "$kernels/amd64-6.12/env" && echo "$KVER")
KVER_ARM64=${KVER%-amd64}-arm64
ARM64_HEADERS_DEB=$(ls "$kernels"/debs/linux-headers-"${KVER_ARM64}"_*_arm64.deb 2>/dev/null | head -n 1)
[ -n "$ARM64_HEADERS_DEB" ] || die "no linux-headers-$KVER_ARM64 .deb in $kernels/debs"
export KVER KVER612 ARM64_HEADERS_DEB

compgen -G "$debdir/*.deb" >/dev/null || die "no .debs in $debdir"
packages=$("$here/packages.sh" "$debdir") || die "packages.sh failed"
key=$({ echo "$packages"; basename "$ARM64_HEADERS_DEB"; "$top/scripts/apt-sources.sh"
	cat "$here/mkimage.sh" "$here/smtj-system-test.service"; } | sha256sum | cut -c1-12)
image=$cache/system/$key
mkdir -p "$cache/system"
(
	flock 9
	if [ ! -s "$image/rootfs.ext4" ]; then
		t=$SECONDS
		echo "system: building the image $image (once)"
		"$here/mkimage.sh" "$image" "$debdir" >"$out/mkimage.log" 2>&1 ||
			{ tail -n 30 "$out/mkimage.log" >&2; exit 1; }
		echo "system: image built in $((SECONDS - t)) s"
	fi
) 9>"$cache/system/.lock" || die "building the image failed"

# The second disk: the .debs (amd64 and all, no -dbgsym), guest.sh and its
# TAP functions (guest-tap.sh), its settings,
# MNIST for the training run (or SYSTEM_GUEST and its files).
rm -rf "$out/disk" "$out/test.ext4"
mkdir -p "$out/disk/debs"
for d in "$debdir"/*_amd64.deb "$debdir"/*_all.deb; do
	[ -e "$d" ] && [[ $d != *-dbgsym_* ]] && cp "$d" "$out/disk/debs/"
done
cp "$here/guest-tap.sh" "$out/disk/" || die "copying guest-tap.sh failed"
if [ -n "$guest" ]; then
	cp "$guest" "$out/disk/guest.sh" || die "no guest script $guest"
	# shellcheck disable=SC2086 # a list of paths
	[ -z "${SYSTEM_GUEST_FILES:-}" ] || cp $SYSTEM_GUEST_FILES "$out/disk/" ||
		die "copying SYSTEM_GUEST_FILES failed"
else
	cp "$here/guest.sh" "$top/python/tests/vm_device.py" "$out/disk/"
	# The first 1000 images of each MNIST set, as IDX files of their own:
	# the emulated CPU would spend minutes loading the 60000 training images
	# and evaluating all 10000 test ones.
	idx_head() {	# idx_head SRC DST N HEADER-BYTES ITEM-BYTES
		{ head -c 4 "$1"; printf "$(printf '%08x' "$3" | sed 's/../\\x&/g')"
		  dd if="$1" iflag=skip_bytes,count_bytes skip=8 count=$(($4 - 8 + $3 * $5)) status=none; } >"$2"
	}
	mnist=$top/data/mnist
	"$top/scripts/fetch-mnist.sh" "$mnist" || die "fetch-mnist failed"
	mkdir -p "$out/disk/mnist"
	for set in train t10k; do
		idx_head "$mnist/$set-images-idx3-ubyte" "$out/disk/mnist/$set-images-idx3-ubyte" 1000 16 784 &&
			idx_head "$mnist/$set-labels-idx1-ubyte" "$out/disk/mnist/$set-labels-idx1-ubyte" 1000 8 1 ||
			die "subset of MNIST failed"
	done
fi
printf 'KVER612=%s\n' "$KVER612" >"$out/disk/env"
mke2fs -q -t ext4 -L smtj-test -d "$out/disk" "$out/test.ext4" \
	"$(( $(du -sm "$out/disk" | cut -f1) + 16 ))M" || die "mke2fs of the test disk failed"

# Units that only cost boot time under emulation: timers of a long-running
# machine, the snapshot check of e2scrub, the console getty.
masks=$(printf 'systemd.mask=%s ' e2scrub_reap.service apt-daily.timer \
	apt-daily-upgrade.timer man-db.timer dpkg-db-backup.timer e2scrub_all.timer \
	fstrim.timer systemd-tmpfiles-clean.timer getty@tty1.service)
dkmsdeb=$(ls "$debdir"/smtj-dkms_*_all.deb 2>/dev/null | head -n 1)
[ -n "$dkmsdeb" ] || die "no smtj-dkms .deb in $debdir"
dkms_pid=
: >"$out/dkms-kernels.tap"
if [ -z "$guest" ]; then
	KVER_ARM64=$KVER_ARM64 "$here/dkms-kernels.sh" "$image" "$dkmsdeb" >"$out/dkms-kernels.tap" 2>"$out/dkms-kernels.log" &
	dkms_pid=$!
fi

# TCG: no usable KVM on the project's machines (tests/vm/run.sh probes;
# a probe boot of systemd would cost more than it could save here).
# The CPU is Westmere, not qemu64 or max, and a boot that stalls before
# guest.sh (no plan line within SYSTEM_BOOT_TIMEOUT seconds, or systemd's
# emergency shell, which waits for a root password forever) is booted
# once more with one CPU: Documentation/dev-tools/testing.rst, "System
# test", says why.  A stall of the second boot fails the test.
boot_vm() {	# boot_vm CPUS: one run of the VM; sets qemu_rc, stalled
	local t=$SECONDS
	rm -f "$out/console.log" "$out/tap.log"
	timeout -k 5 "$SYSTEM_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu "$SYSTEM_CPU" \
		-m "$SYSTEM_MEM" -smp "$1" -no-reboot -nodefaults -display none -monitor none \
		-serial "file:$out/console.log" -serial "file:$out/tap.log" \
		-drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
		-drive "file=$out/test.ext4,format=raw,if=virtio,readonly=on" \
		-kernel "$image/vmlinuz" -initrd "$image/initrd.img" \
		-append "root=/dev/vda ro console=ttyS0 panic=-1 oops=panic no_timer_check $masks" \
		</dev/null >"$out/qemu.log" 2>&1 &
	local pid=$!
	stalled=0
	# until the plan line: after it, only SYSTEM_TIMEOUT applies
	while kill -0 "$pid" 2>/dev/null && ! grep -q '^1\.\.[0-9]' "$out/tap.log" 2>/dev/null; do
		if [ $((SECONDS - t)) -ge "$SYSTEM_BOOT_TIMEOUT" ] ||
		   grep -q 'emergency mode\|Cannot open access to console' "$out/console.log" 2>/dev/null; then
			stalled=1
			kill "$pid" 2>/dev/null
			break
		fi
		sleep 2
	done
	wait "$pid"
	qemu_rc=$?
}
console_tail() {	# console_tail WHY: the end of the guest's console, to stderr
	echo "system: $1; the console's last 25 lines ($out/console.log):" >&2
	tail -n 25 "$out/console.log" 2>/dev/null | tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g; s/^/  | /' >&2
}
boot=$SECONDS
boots=1
boot_vm "$SYSTEM_SMP"
if [ "$stalled" = 1 ]; then
	console_tail "the boot stalled before guest.sh; booting once more, with one CPU"
	cp "$out/console.log" "$out/console-stalled.log" 2>/dev/null
	boots=2
	boot_vm 1
fi
boot=$((SECONDS - boot))
dkms_rc=0
[ -z "$dkms_pid" ] || { wait "$dkms_pid"; dkms_rc=$?; }
grep -E '^(not ok|# )' "$out/dkms-kernels.tap"
[ "$dkms_rc" = 0 ] || { echo "system: DKMS builds on the host failed:" >&2; tail -n 30 "$out/dkms-kernels.log" >&2; }

tap=$(tr -d '\r' <"$out/tap.log" 2>/dev/null)
plan=$(echo "$tap" | sed -n 's/^1\.\.\([0-9]\+\)$/\1/p' | head -n 1)
passed=$(echo "$tap" | grep -c '^ok ' || true)
notok=$(echo "$tap" | grep -c '^not ok ' || true)
done_line=$(echo "$tap" | grep -c '^# smtj-system: done' || true)
{
	echo "$tap"
	echo "# system: qemu status $qemu_rc, $boots boot(s), VM $boot s, stage $((SECONDS - start)) s"
} >"$out/summary.txt"
echo "$tap" | grep -E '^(not ok|# )' || true
if [ -z "$plan" ]; then
	console_tail "no TAP plan after $boots boot(s)"
	counts 0 1
	exit 1
fi
failed=$((plan - passed))
[ "$done_line" -eq 1 ] || { console_tail "guest.sh did not finish"; failed=$((failed + (failed == 0))); }
counts "$passed" "$failed"
echo "system: $passed/$plan ok, VM $boot s, stage $((SECONDS - start)) s"
[ "$failed" -eq 0 ] && [ "$notok" -eq 0 ] && [ "$dkms_rc" = 0 ]
