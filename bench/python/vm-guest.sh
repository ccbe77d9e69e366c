#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Python device benchmark's guest side, run as root in the system
# test's image (tests/system/run.sh with SYSTEM_GUEST=this script, which
# puts it on the test disk as guest.sh): installs the packages it needs
# from the disk (DKMS builds smtj.ko), loads one simulated device, makes
# every file's ring 4 Mi samples (8 MiB: room for the 1 Mi batches, and
# some 15 ms of production for the host's descheduling of a vCPU), puts
# the simulator in unthrottled pattern mode and runs bench-device.py.
# TAP to /dev/ttyS1 as the system test writes it; the figures are its
# "# json: " line.
#
#   guest.sh DISKDIR     DISKDIR holds debs/*.deb and bench-device.py
set -uo pipefail
disk=${1:?usage: guest.sh DISKDIR}
# shellcheck source=tests/system/guest-tap.sh
. "$disk/guest-tap.sh"

echo "1..5" >&3
echo "# boot to bench: $(cut -d' ' -f1 /proc/uptime) s (kernel $(uname -r))" >&3
export DEBIAN_FRONTEND=noninteractive
# The 6.12 headers away from DKMS, as in the system test: one build only.
# shellcheck source=/dev/null
. "$disk/env"
mv "/lib/modules/$KVER612" /root/

# What the benchmark uses: the module, libsmtj, smtjcat/smtjctl (and
# libdanp1, which smtj-utils needs), Python.
debs=()
for d in "$disk"/debs/*.deb; do
	case $(dpkg-deb -f "$d" Package) in
	smtj-dkms | libsmtj1 | libdanp1 | smtj-utils | python3-smtj) debs+=("$d") ;;
	esac
done
ok "apt install of ${#debs[@]} .debs for the module, the tools and Python" \
	apt install -y "${debs[@]}"
ok "modprobe smtj sim_devices=1" modprobe smtj sim_devices=1
udevadm settle
ok "rings of 4 Mi samples" sh -c 'echo 4194304 >/sys/class/smtj/smtj0/default_ring_samples'
ok "simulator unthrottled, pattern mode" smtjctl -d 0 set-sim --unthrottled --pattern

bench() {
	python3 "$disk/bench-device.py" >/root/bench.json &&
		echo "# json: $(cat /root/bench.json)" >&3
}
ok "python3 bench-device.py" bench
echo "# smtj-system: done, $failed failed" >&3
