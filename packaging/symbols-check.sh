#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The functions each shared library exports must be exactly those its
# debian/<lib>1.symbols file lists: a function added to a public header
# without a symbols entry would otherwise only fail `make deb`, and one
# dropped from the library would break the ABI unnoticed.
#
#   symbols-check.sh LIBDIR
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
libdir=${1:?usage: symbols-check.sh LIBDIR}
major=$(cut -d. -f1 "$TOP/VERSION")
bad=0
for lib in libsmtj libdanp; do
	so=$libdir/$lib.so.$major
	sym=$TOP/debian/$lib$major.symbols
	[ -f "$so" ] || { echo "packaging-symbols: $so not built" >&2; bad=1; continue; }
	nm -D --defined-only "$so" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' |
		sort >"$libdir/.$lib.exported"
	sed -n 's/^ \([A-Za-z_][A-Za-z_0-9]*\)@.*/\1/p' "$sym" |
		grep -v '^[A-Z]' | sort >"$libdir/.$lib.listed"
	if ! cmp -s "$libdir/.$lib.exported" "$libdir/.$lib.listed"; then
		echo "packaging-symbols: $lib.so.$major exports (>) or $sym lists (<):" >&2
		diff "$libdir/.$lib.listed" "$libdir/.$lib.exported" | grep '^[<>]' >&2
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "packaging-symbols: exported symbols match debian/*.symbols"
exit $bad
