#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# smtj as a driver inside the kernel tree (drivers/misc/smtj/), the way
# Documentation/driver-api/smtj.rst ("Building inside a kernel tree")
# describes it, on Debian's linux-source-6.1:
#
#  1. once, cached under $SMTJ_CACHE/intree/ (flock): the whole tree
#     unpacked (kconfig reads Kconfig files all over it), x86_64
#     defconfig with IIO as a module (so that smtj_iio.c is built too),
#     and `make prepare`;
#  2. every run: kernel/ and the cores of common/ copied afresh to
#     drivers/misc/smtj/ and the UAPI header to include/uapi/linux/, drivers/misc/Kconfig and Makefile
#     hooked (idempotent), CONFIG_SMTJ removed from .config, then set with
#     scripts/config --module SMTJ; olddefconfig must keep CONFIG_SMTJ=m
#     (kconfig accepts the entry and its dependencies hold);
#  3. `make drivers/misc/`: smtj is built through the hooks; any warning
#     or error fails, and drivers/misc/modules.order must list smtj.ko;
#     then `make W=1 drivers/misc/smtj/` must be clean too.
#
# Usage: intree.sh LOGDIR
set -eu
TOP=$(cd "$(dirname "$0")/../.." && pwd)
LOG=${1:-$TOP/build/intree}
CACHE=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}/intree
TARBALL=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$TARBALL" ] || { echo "smtj-intree: linux-source-6.1 is not installed" >&2; exit 1; }
TREE=$CACHE/$(basename "${TARBALL%.tar.*}")
# The kernel's build is not a submake of ours: under `make -j2 check-static`
# the inherited jobserver made make warn "-j2 forced in submake", which the
# warning check below then counted as a finding.
unset MAKEFLAGS MFLAGS MAKELEVEL
KMAKE=(make -s -C "$TREE" ARCH=x86_64 -j"${INTREE_JOBS:-2}")
mkdir -p "$CACHE" "$LOG"
start=$SECONDS

# 1. The prepared tree, made once per tarball (the stamp names it).
exec 9>"$CACHE/.lock"
flock 9
want="$(stat -c '%n %s %Y' "$TARBALL") defconfig+IIO=m"
if [ "$(cat "$TREE/.smtj-prepared" 2>/dev/null)" != "$want" ]; then
	echo "smtj-intree: preparing $TREE (once)"
	rm -rf "$TREE"
	mkdir -p "$TREE"
	tar -xf "$TARBALL" -C "$TREE" --strip-components=1
	"${KMAKE[@]}" defconfig >"$LOG/prepare.log" 2>&1
	"$TREE/scripts/config" --file "$TREE/.config" --module IIO
	"${KMAKE[@]}" olddefconfig prepare >>"$LOG/prepare.log" 2>&1 ||
		{ tail -n 30 "$LOG/prepare.log"; exit 1; }
	echo "$want" >"$TREE/.smtj-prepared"
	echo "smtj-intree: tree prepared in $((SECONDS - start)) s"
fi

# 2. The driver dropped in and hooked up, as the documentation says.
D=$TREE/drivers/misc/smtj
rm -rf "$D"
mkdir -p "$D"
cp "$TOP"/kernel/Kconfig "$TOP"/kernel/Kbuild "$TOP"/kernel/*.[ch] "$TOP"/common/*.[ch] "$D"/
cp "$TOP/include/uapi/linux/smtj.h" "$TREE/include/uapi/linux/smtj.h"
grep -q 'drivers/misc/smtj/Kconfig' "$TREE/drivers/misc/Kconfig" ||
	sed -i '$i source "drivers/misc/smtj/Kconfig"' "$TREE/drivers/misc/Kconfig"
grep -q 'CONFIG_SMTJ' "$TREE/drivers/misc/Makefile" ||
	echo 'obj-$(CONFIG_SMTJ)		+= smtj/' >>"$TREE/drivers/misc/Makefile"

"$TREE/scripts/config" --file "$TREE/.config" --undefine SMTJ --module SMTJ
"${KMAKE[@]}" olddefconfig >"$LOG/kconfig.log" 2>&1 || { cat "$LOG/kconfig.log"; exit 1; }
if ! grep -qx 'CONFIG_SMTJ=m' "$TREE/.config"; then
	echo "smtj-intree: kconfig dropped CONFIG_SMTJ=m:" >&2
	grep -n 'SMTJ' "$TREE/.config" >&2 || true
	exit 1
fi
grep -qx 'CONFIG_IIO=m' "$TREE/.config" || { echo "smtj-intree: CONFIG_IIO=m lost" >&2; exit 1; }

# 3. The build, through drivers/misc/Makefile.
rm -f "$TREE/drivers/misc/modules.order"
"${KMAKE[@]}" drivers/misc/ >"$LOG/build.log" 2>&1 || { cat "$LOG/build.log"; exit 1; }
if grep -iE 'warning:|error:' "$LOG/build.log"; then
	echo "smtj-intree: findings in the in-tree build" >&2
	exit 1
fi
for f in smtj.o smtj_core.o smtj_iio.o smtj_model.o smtj_xoshiro.o; do
	[ -f "$D/$f" ] || { echo "smtj-intree: drivers/misc/smtj/$f not built" >&2; exit 1; }
done
grep -qx 'drivers/misc/smtj/smtj.ko' "$TREE/drivers/misc/modules.order" || {
	echo "smtj-intree: drivers/misc/modules.order does not list smtj.ko" >&2
	exit 1
}
# The directory alone once more with W=1 (the rest of drivers/misc/ is
# not ours to hold to it): in the tree, too, smtj builds without a warning.
"${KMAKE[@]}" W=1 drivers/misc/smtj/ >"$LOG/build-w1.log" 2>&1 || { cat "$LOG/build-w1.log"; exit 1; }
if grep -iE 'warning:|error:' "$LOG/build-w1.log"; then
	echo "smtj-intree: W=1 findings in the in-tree build" >&2
	exit 1
fi
echo "smtj-intree: kconfig takes CONFIG_SMTJ=m, drivers/misc/smtj/ builds in-tree, W=1 clean ($(basename "$TREE"), $((SECONDS - start)) s)"
