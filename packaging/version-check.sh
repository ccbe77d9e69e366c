#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# VERSION is the release's one version; the places that cannot read it at
# build time must agree with it: debian/changelog (the packages' version),
# the version macros of the public headers (MAJOR.MINOR), the soname
# major in the symbols files and the packages named after it.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
v=$(cat "$TOP/VERSION")
major=${v%%.*}
minor=${v#*.}
minor=${minor%%.*}
bad=0
fail() { echo "packaging-version: $*" >&2; bad=1; }

c=$(dpkg-parsechangelog -l "$TOP/debian/changelog" -S Version)
[ "$c" = "$v" ] || fail "debian/changelog has $c, VERSION $v"
for h in libsmtj LIBSMTJ libdanp LIBDANP; do
	case $h in lib*) hdr=$TOP/lib/include/$h.h; lib=$h; continue ;; esac
	hm=$(sed -n "s/^#define ${h}_VERSION_MAJOR //p" "$hdr")
	hn=$(sed -n "s/^#define ${h}_VERSION_MINOR //p" "$hdr")
	[ "$hm.$hn" = "$major.$minor" ] ||
		fail "$hdr says $hm.$hn, VERSION $major.$minor"
	s=$TOP/debian/${lib}$major.symbols
	head -n 1 "$s" 2>/dev/null | grep -qx "$lib.so.$major ${lib}$major #MINVER#" ||
		fail "debian/${lib}$major.symbols missing or not for $lib.so.$major"
	grep -qx "Package: ${lib}$major" "$TOP/debian/control" ||
		fail "debian/control has no package ${lib}$major"
done
grep -q '^PACKAGE_VERSION="@VERSION@"$' "$TOP/packaging/dkms.conf.in" ||
	fail "packaging/dkms.conf.in does not take its version from VERSION"
[ $bad -eq 0 ] && echo "packaging-version: $v everywhere"
exit $bad
