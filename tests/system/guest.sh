#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The system test, run as root inside the booted image by
# smtj-system-test.service: installs the .debs from the test disk as a user
# would, lets DKMS build smtj.ko, checks the device node, group access and
# the tools, then `apt purge` and a listing that must match the one taken
# before the install.  DKMS builds here only for the running kernel: the
# image's 6.12 headers are hidden from it (tests/system/dkms-kernels.sh
# builds for those and for arm64 on the host, where no emulation slows
# the compiler down).  TAP goes to the serial port /dev/ttyS1 (run.sh
# judges by the complete plan and the final line); the commands' own
# output goes to the console.
#
#   guest.sh DISKDIR     DISKDIR holds debs/*.deb, mnist/ and env (KVER612)
set -uo pipefail
disk=${1:?usage: guest.sh DISKDIR}
# shellcheck source=/dev/null
. "$disk/env"
# shellcheck source=tests/system/guest-tap.sh
. "$disk/guest-tap.sh"

echo "1..16" >&3
echo "# boot to test: $(cut -d' ' -f1 /proc/uptime) s (kernel $(uname -r))" >&3
export DEBIAN_FRONTEND=noninteractive
work=/root/smtj-test
mkdir -p "$work"

# Every file and link on the root filesystem, except what changes by
# itself or by any apt run (dpkg's and apt's state, caches, logs) and the
# test's own files.
listing() {
	find / -xdev \( -path /proc -o -path /sys -o -path /dev -o -path /run \
		-o -path /tmp -o -path /var/tmp -o -path /var/log -o -path /var/cache \
		-o -path /var/lib/dpkg -o -path /var/lib/apt -o -path /var/lib/systemd \
		-o -path /root -o -path /home -o -path /lost+found \) -prune \
		-o ! -type d -print | grep -v '^/etc/\(passwd\|group\|shadow\|gshadow\|subuid\|subgid\)-$' | sort
}

# The 6.12 kernel's headers away from DKMS (the package's postinst builds
# for every kernel under /lib/modules with headers); /root is not listed.
mv "/lib/modules/$KVER612" /root/

# A user outside the group exists before the install; one in it is added
# after (the group comes with the package).
useradd -m outsider
listing >"$work/before"

# As the README tells a user: the runtime packages first, then the rest
# (the -dev packages).  There is no network: everything they depend on is
# in the image.
debs=("$disk"/debs/*.deb)
pkgs=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Package; done)
runtime=() rest=()
for d in "${debs[@]}"; do
	case $(dpkg-deb -f "$d" Package) in
	smtj-dkms | libsmtj1 | libdanp1 | smtj-utils) runtime+=("$d") ;;
	*) rest+=("$d") ;;
	esac
done
install_debs() {
	apt install -y "${runtime[@]}" &&
		{ [ ${#rest[@]} = 0 ] || apt install -y "${rest[@]}"; }
}
ok "apt install ./… of ${#runtime[@]} runtime and ${#rest[@]} other .debs" install_debs
for p in $pkgs; do dpkg -L "$p"; done | sort -u >"$work/dpkg-L"

kver=$(uname -r)
ver=$(find /usr/src -maxdepth 1 -name 'smtj-*' -printf '%f\n' | sed 's/^smtj-//' | head -n 1)

installed_for_running_kernel() {
	dkms status smtj -k "$kver" | grep -q ': installed' &&
		modinfo -n smtj | grep -q "^/lib/modules/$kver/updates/"
}
node_is_group_smtj_0660() {
	[ "$(stat -c '%F %G %a' /dev/smtj0)" = "character special file smtj 660" ]
}
member_reads_samples() {	# 4096 raw 16-bit codes
	[ "$(runuser -u member -- smtjcat -n 4096 | wc -c)" = 8192 ]
}
member_trains() {	# one epoch on the disk's 1000 images, tested on its other 1000
	runuser -u member -- smtj-train --dataset mnist --data "$disk/mnist" \
		--arch 784-32-10 --epochs 1 --train-limit 1000 \
		--noise device:path=/dev/smtj0 --no-progress -o /home/member/out.csv &&
		[ "$(grep -c '^[0-9]' /home/member/out.csv)" = 1 ]
}
outsider_open_fails() {	# the shell's open(2) error is strerror(EACCES)
	local msg rc
	msg=$(runuser -u outsider -- bash -c 'exec 3</dev/smtj0' 2>&1)
	rc=$?
	echo "$msg"
	[ "$rc" != 0 ] && [[ $msg == *'Permission denied'* ]]
}
outsider_smtjcat_fails() {
	local rc
	runuser -u outsider -- smtjcat -n 1 >/dev/null 2>"$work/outsider.err"
	rc=$?
	cat "$work/outsider.err"
	[ "$rc" = 1 ] && grep -q 'Permission denied' "$work/outsider.err"
}
dpkg_files_gone() {
	local f left=0
	while read -r f; do
		[ -d "$f" ] && continue
		if [ -e "$f" ] || [ -L "$f" ]; then
			echo "left: $f"
			left=1
		fi
	done <"$work/dpkg-L"
	[ "$left" = 0 ]
}
nothing_named_smtj() {
	local left
	left=$(find /lib/modules /var/lib/dkms /usr/src /etc/udev /etc/modprobe.d /etc/dkms \
		/usr/lib/udev /usr/lib/sysusers.d /usr/lib/*-linux-gnu /usr/include /usr/bin \
		-name '*smtj*')
	echo "$left"
	[ -z "$left" ]
}

ok "DKMS built and installed smtj/$ver for the running kernel $kver" installed_for_running_kernel
ok "the package created system group smtj" getent group smtj
ok "modprobe smtj sim_devices=1" modprobe smtj sim_devices=1
udevadm settle
ok "udev gives /dev/smtj0 to group smtj, mode 0660" node_is_group_smtj_0660

useradd -m member
usermod -aG smtj member
ok "a group member reads 4096 samples with smtjcat" member_reads_samples
ok "a group member runs smtjctl list and info" \
	runuser -u member -- bash -c 'smtjctl list && smtjctl info'
ok "a group member trains with smtj-train on device noise (MNIST, 1000 + 1000 images)" member_trains
ok "a user outside the group gets EACCES opening /dev/smtj0" outsider_open_fails
ok "smtjcat as that user fails with status 1 and says why" outsider_smtjcat_fails

# python3-smtj on the live device, as root (its removal test unbinds and
# binds the simulated device); the script's own TAP goes to the console.
ok "python3-smtj on /dev/smtj0: transports, zero-copy batches, GIL, removal" \
	python3 "$disk/vm_device.py" 0
udevadm settle

ok "modprobe -r smtj" modprobe -r smtj
# shellcheck disable=SC2086 # one word per package
ok "apt purge of every package" apt purge -y $pkgs
ok "every file dpkg -L listed is gone" dpkg_files_gone
ok "no module, DKMS tree, source, rule or sysusers entry named smtj left" nothing_named_smtj
listing >"$work/after"
ok "the file listing after purge equals the one before install" \
	diff -u "$work/before" "$work/after"

echo "# smtj-system: done, $failed failed" >&3
