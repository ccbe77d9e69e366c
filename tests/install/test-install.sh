#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# make install / make uninstall, as a user without dpkg runs them: install
# into a DESTDIR that already has the usual directories, build
# pkgconfig_user.c with only what the installed .pc files say (shared, and
# static with --static), run it against the installed libraries, check the
# soname links and the udev rule, then uninstall and find the DESTDIR as
# it was before, file for file and directory for directory.  The same for
# install-dkms.  Prints TAP.
#
# Usage: test-install.sh TOP O   (the make variables; make check passes them)
set -u
TOP=$1
O=$2
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
PREFIX=/usr/local
n=0
fails=0
t() {	# t DESCRIPTION COMMAND...: one TAP point
	local what=$1
	shift
	n=$((n + 1))
	if out=$("$@" 2>&1); then
		echo "ok $n - $what"
	else
		echo "not ok $n - $what"
		printf '%s\n' "$out" | sed 's/^/# /'
		fails=$((fails + 1))
	fi
}
# A clean make: not the jobserver or variables of the make that runs us.
mk() { MAKEFLAGS= make -s -C "$TOP" O="$O" DESTDIR="$D" PREFIX=$PREFIX "$@"; }
tree() { (cd "$D" && find . | sort); }

echo "1..9"
# What a system has before: the prefix's directories and udev's.
mkdir -p "$D$PREFIX"/{bin,include,lib,share/man/man1} "$D/etc/udev/rules.d" "$D/usr/src"
before=$(tree)

t "make install DESTDIR=... PREFIX=$PREFIX" mk install

L=$D$PREFIX/lib
sonames() {
	local l v
	v=$(cat "$TOP/VERSION")
	for l in libsmtj libdanp; do
		[ "$(readlink "$L/$l.so")" = "$l.so.${v%%.*}" ] &&
		[ "$(readlink "$L/$l.so.${v%%.*}")" = "$l.so.$v" ] &&
		readelf -d "$L/$l.so.$v" | grep -q "SONAME.*\[$l.so.${v%%.*}\]" &&
		[ -f "$L/$l.a" ] || { echo "$l: links or soname wrong"; ls -l "$L"; return 1; }
	done
}
t "shared libraries with soname links, static libraries" sonames

udev() {
	grep -q 'GROUP="smtj", MODE="0660"' "$D/etc/udev/rules.d/60-smtj.rules" &&
	grep -qx 'g smtj -' "$D/etc/sysusers.d/smtj.conf"
}
t "udev rule (group smtj, 0660) and sysusers entry in /etc" udev

# pkg-config sees only the DESTDIR's files, with the DESTDIR as sysroot
# (the .pc files name the final paths, as a package's do).
export PKG_CONFIG_LIBDIR=$L/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
P=$D/pkgconfig_user
build_shared() {
	# shellcheck disable=SC2046
	cc -std=c11 -Wall -Wextra -Werror -o "$P" "$TOP/tests/install/pkgconfig_user.c" \
		$(pkg-config --cflags --libs libsmtj libdanp) -lm
}
t "a program builds through pkg-config --cflags --libs libsmtj libdanp" build_shared

run_shared() {
	# It must load the installed copies, not the build tree's.
	LD_LIBRARY_PATH=$L ldd "$P" | grep -q "libsmtj.so.1 => $L/libsmtj.so.1" &&
	LD_LIBRARY_PATH=$L ldd "$P" | grep -q "libdanp.so.1 => $L/libdanp.so.1" &&
	LD_LIBRARY_PATH=$L "$P"
}
t "it runs against the installed shared libraries" run_shared

static() {
	# shellcheck disable=SC2046
	cc -std=c11 -Wall -Wextra -Werror -static -o "$P-static" \
		"$TOP/tests/install/pkgconfig_user.c" \
		$(pkg-config --static --cflags --libs libsmtj libdanp) -lm &&
	"$P-static"
}
t "linked statically with pkg-config --static, it runs" static
rm -f "$P" "$P-static"

t "make uninstall leaves the DESTDIR as it was" \
	bash -c 'mk() { MAKEFLAGS= make -s -C "$1" O="$2" DESTDIR="$3" PREFIX=$4 uninstall; }
		mk "$@" && diff <(echo "$5") <(cd "$3" && find . | sort)' \
	_ "$TOP" "$O" "$D" "$PREFIX" "$before"

dkms() {
	local v s
	v=$(cat "$TOP/VERSION")
	s=$D/usr/src/smtj-$v
	mk install-dkms &&
	grep -qx "PACKAGE_VERSION=\"$v\"" "$s/dkms.conf" &&
	[ -f "$s/Kbuild" ] && [ -f "$s/kernel/Kbuild" ] && [ -f "$s/kernel/smtj_core.c" ] &&
	[ -f "$s/common/smtj_model.c" ] && [ -f "$s/common/smtj_xoshiro.h" ] &&
	[ -f "$s/include/uapi/linux/smtj.h" ]
}
t "make install-dkms: the module source and dkms.conf in /usr/src/smtj-VERSION" dkms
t "make uninstall-dkms leaves the DESTDIR as it was" \
	bash -c 'MAKEFLAGS= make -s -C "$1" O="$2" DESTDIR="$3" uninstall-dkms &&
		diff <(echo "$4") <(cd "$3" && find . | sort)' _ "$TOP" "$O" "$D" "$before"
[ $fails -eq 0 ]
