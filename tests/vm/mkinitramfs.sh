#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build the test VM's initramfs (cpio newc, gzip).
#   mkinitramfs.sh OUT.cpio.gz
# from the environment:
#   VM_BUSYBOX   a statically linked busybox for the guest
#   SMTJ_KO      the module under test
#   VM_MODDIR    /lib/modules/<kver> of the guest kernel (for dependencies)
#   SELFTEST_DIR directory of the statically linked selftests
#   VM_TESTS     the tests.list naming the programs to run
#   VM_INIT      the /init script
#   VM_STRIP     strip for the guest's binaries (optional: copies unstripped)
#   VM_EXTRA_KOS more modules for tests.list's "@ name.ko args" (optional)
#   VM_EARLY_MODS modules of the guest kernel /init loads first, by name
#                (e.g. the virtio console that TAP goes to on arm64; one
#                that is not found as a module is taken to be built in)
#   VM_PROGRAMS  test programs built elsewhere that tests.list may name
set -euo pipefail
out=$1
die() { echo "mkinitramfs: $*" >&2; exit 1; }

for v in VM_BUSYBOX SMTJ_KO VM_MODDIR SELFTEST_DIR VM_TESTS VM_INIT; do
	[ -n "${!v:-}" ] || die "$v is not set"
done
[ -f "$SMTJ_KO" ] || die "module $SMTJ_KO does not exist"
[ -x "$VM_BUSYBOX" ] || die "busybox $VM_BUSYBOX does not exist"
static() { ! readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'; }
static "$VM_BUSYBOX" || die "$VM_BUSYBOX is not statically linked (install busybox-static)"

mkdir -p "$(dirname "$out")"
root=$(mktemp -d "$out.root.XXXXXX")
chmod 0755 "$root"
trap 'rm -rf "$root" "$out.tmp.$$"' EXIT
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc/smtj,lib/modules,selftests,proc,sys,dev,tmp,run}
cp "$VM_BUSYBOX" "$root/bin/busybox"
# /init installs the other applet links itself: the guest's busybox may not
# run on this host.
ln -s busybox "$root/bin/sh"
install -m 0755 "$VM_INIT" "$root/init"
# the kernel needs no debug information (the build tree keeps it for oopses)
"${VM_STRIP:-false}" --strip-debug -o "$root/lib/modules/smtj.ko" "$SMTJ_KO" 2>/dev/null ||
	cp "$SMTJ_KO" "$root/lib/modules/smtj.ko"
cp "$VM_TESTS" "$root/etc/smtj/tests.list"

# Dependencies of smtj.ko from the guest kernel's modules, in load order.
declare -A seen=()
order=()
# One walk of the guest's module tree (thousands of files), indexed by the
# module name with '-' and '_' equal, as modinfo's depends spells them.
declare -A modpath=()
while IFS= read -r f; do
	b=${f##*/}
	b=${b%%.ko*}
	modpath[${b//-/_}]=$f
done < <(find "$VM_MODDIR/kernel" -name "*.ko*" 2>/dev/null)
find_mod() {
	local n=${1//-/_}
	[ -n "${modpath[$n]:-}" ] && echo "${modpath[$n]}"
}
add_deps() {
	local f=$1 d p
	for d in $(modinfo -F depends "$f" 2>/dev/null | tr ',' ' '); do
		[ -n "${seen[$d]:-}" ] && continue
		seen[$d]=1
		p=$(find_mod "$d") || die "dependency $d of $(basename "$f") not found in $VM_MODDIR"
		add_deps "$p"
		order+=("$p")
	done
}
for m in ${VM_EARLY_MODS:-}; do
	[ -n "${seen[${m//-/_}]:-}" ] && continue
	p=$(find_mod "$m") || continue
	seen[${m//-/_}]=1
	add_deps "$p"
	order+=("$p")
done
add_deps "$SMTJ_KO"
for k in ${VM_EXTRA_KOS:-}; do
	[ -f "$k" ] || die "module $k (VM_EXTRA_KOS) does not exist"
	add_deps "$k"
	"${VM_STRIP:-false}" --strip-debug -o "$root/lib/modules/$(basename "$k")" "$k" 2>/dev/null ||
		cp "$k" "$root/lib/modules/$(basename "$k")"
done
: >"$root/lib/modules/deps.order"
for p in "${order[@]}"; do
	b=$(basename "$p")
	case "$b" in
	*.ko.xz) xz -dc "$p" >"$root/lib/modules/${b%.xz}"; b=${b%.xz} ;;
	*.ko.zst) zstd -qdc "$p" >"$root/lib/modules/${b%.zst}"; b=${b%.zst} ;;
	*.ko.gz) gzip -dc "$p" >"$root/lib/modules/${b%.gz}"; b=${b%.gz} ;;
	*) cp "$p" "$root/lib/modules/$b" ;;
	esac
	echo "$b" >>"$root/lib/modules/deps.order"
done

# A listed program: a selftest, or one of VM_PROGRAMS by its file name.
program() {
	local p
	for p in "$SELFTEST_DIR/$1" ${VM_PROGRAMS:-}; do
		[ "$(basename "$p")" = "$1" ] && [ -x "$p" ] && { echo "$p"; return 0; }
	done
	return 1
}
{ grep -v '^[[:space:]]*\(#\|$\)' "$VM_TESTS" || true; } | while read -r prog _; do
	src=$(program "$prog") || die "test program $prog (listed in $VM_TESTS) is not built"
	static "$src" || die "$prog is not statically linked"
	"${VM_STRIP:-false}" -o "$root/selftests/$prog" "$src" 2>/dev/null ||
		cp "$src" "$root/selftests/$prog"
done

(cd "$root" && find . -print0 | LC_ALL=C sort -z |
	cpio --null -o -H newc --quiet -R 0:0) | gzip -6 >"$out.tmp.$$"
mv "$out.tmp.$$" "$out"
