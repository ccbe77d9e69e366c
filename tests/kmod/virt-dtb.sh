#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# virt-dtb.sh OUT.dtb FRAGMENT.dtsi [QEMU ARGS...]
#
# Dump the device tree of QEMU's arm64 "virt" machine and append FRAGMENT
# (nodes under / that may refer to labels they define).  The QEMU
# arguments must be those of the boot that will use OUT.dtb (-m, -smp,
# -cpu change the tree); "-M virt" is implied.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 OUT.dtb FRAGMENT.dtsi [QEMU ARGS...]" >&2; exit 2; }
out=$1
frag=$2
shift 2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
qemu-system-aarch64 -M "virt,dumpdtb=$tmp/virt.dtb" -display none \
	-nodefaults "$@" >"$tmp/qemu.log" 2>&1 || { cat "$tmp/qemu.log" >&2; exit 1; }
# QEMU's tree has unit-address quirks dtc warns about: not ours, keep quiet
dtc -q -I dtb -O dts -o "$tmp/virt.dts" "$tmp/virt.dtb"
cat "$tmp/virt.dts" "$frag" >"$tmp/full.dts"
dtc -q -I dts -O dtb -o "$out" "$tmp/full.dts"
