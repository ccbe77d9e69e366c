#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# virt-dtb.sh OUT.dtb FRAGMENT.dtsi... [QEMU ARGS...]
#
# Dump the device tree of QEMU's arm64 "virt" machine and append the
# FRAGMENTs (every argument after OUT.dtb that ends in .dtsi; nodes under /
# that may refer to labels of earlier fragments).  The QEMU arguments must
# be those of the boot that will use OUT.dtb (-m, -smp, -cpu change the
# tree); "-M virt" is implied.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OUT.dtb FRAGMENT.dtsi... [QEMU ARGS...]" >&2; exit 2; }
out=$1
shift
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
: >"$tmp/frags.dtsi"
while [ $# -gt 0 ]; do
	case $1 in
	*.dtsi) cat "$1" >>"$tmp/frags.dtsi"; shift ;;
	*) break ;;
	esac
done
[ -s "$tmp/frags.dtsi" ] || { echo "$0: no FRAGMENT.dtsi" >&2; exit 2; }
qemu-system-aarch64 -M "virt,dumpdtb=$tmp/virt.dtb" -display none \
	-nodefaults "$@" >"$tmp/qemu.log" 2>&1 || { cat "$tmp/qemu.log" >&2; exit 1; }
# QEMU's tree has unit-address quirks dtc warns about: not ours, keep quiet
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
cat "$tmp/virt.dts" "$tmp/frags.dtsi" >"$tmp/full.dts"
dtc -q -I dts -O dtb -o "$out" "$tmp/full.dts"
