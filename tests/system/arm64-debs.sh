#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The arm64 packages (make deb-arm64) against the amd64 ones that the
# system test installs and exercises: the same packages, each arm64 one
# marked arm64 (or all), with the same files (the multiarch directory
# aside), and its programs and libraries built for AArch64 (scripts the
# same as amd64's).  What the
# amd64 packages do in the booted system the arm64 ones then do on an
# arm64 machine, which cannot boot here fast enough to try.
#
#   tests/system/arm64-debs.sh DEBDIR
# One test: "1 0" or "0 1" goes to $SMTJ_COUNTS/system-arm64.
set -uo pipefail
debdir=${1:?usage: arm64-debs.sh DEBDIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
bad=0
fail() {
	echo "system-arm64: $*" >&2
	bad=1
}

# Paths of a package with the multiarch triplet replaced by a placeholder.
files() {
	dpkg-deb -c "$1" | awk '{ print $6 }' |
		sed 's/x86_64-linux-gnu/TRIPLET/g; s/aarch64-linux-gnu/TRIPLET/g' | sort
}

shopt -s nullglob
# Debug symbols (-dbgsym) are left out: their build-id paths differ.
amd=() arm=()
for d in "$debdir"/*_amd64.deb; do [[ $d == *-dbgsym_* ]] || amd+=("$d"); done
for d in "$debdir"/*_arm64.deb; do [[ $d == *-dbgsym_* ]] || arm+=("$d"); done
[ ${#amd[@]} -gt 0 ] || fail "no amd64 packages in $debdir"
[ ${#arm[@]} -gt 0 ] || fail "no arm64 packages in $debdir (make deb-arm64)"
# Packages that debian/control builds natively only (Build-Profiles:
# <!cross>, python3-smtj): no arm64 one is cross-built.
control=$(dirname "$0")/../../debian/control
native_only=$(awk '/^Package:/ { p = $2 } /^Build-Profiles:.*<!cross>/ { print p }' "$control")
for a in "${amd[@]}"; do
	p=$(dpkg-deb -f "$a" Package)
	if grep -qx "$p" <<<"$native_only"; then
		echo "system-arm64: $p is built natively only (<!cross>)"
		continue
	fi
	m=$(ls "$debdir/${p}_"*_arm64.deb 2>/dev/null | head -n 1)
	[ -n "$m" ] || { fail "$p: no arm64 package"; continue; }
	[ "$(dpkg-deb -f "$m" Architecture)" = arm64 ] || fail "$p: arm64 package not marked arm64"
	diff <(files "$a") <(files "$m") >"$tmp/diff" ||
		{ fail "$p: arm64 files differ from amd64:"; cat "$tmp/diff" >&2; }
	rm -rf "$tmp/x"
	dpkg-deb -x "$m" "$tmp/x"
	# ELF files must be AArch64; a program may also be a script (smtj-sweep),
	# the same in both packages
	while read -r f; do
		if [ "$(head -c 4 "$f")" = $'\x7fELF' ]; then
			readelf -h "$f" 2>/dev/null | grep -q 'Machine:.*AArch64' || fail "$p: $f is not AArch64"
		elif [ "$(head -c 2 "$f")" = '#!' ]; then
			rel=${f#"$tmp/x"}
			cmp -s "$f" <(dpkg-deb --fsys-tarfile "$a" | tar -xO ".$rel") ||
				fail "$p: script $rel differs from the amd64 package's"
		else
			fail "$p: $f is neither ELF nor a script"
		fi
	done < <(find "$tmp/x" -type f \( -path '*/bin/*' -o -name '*.so.*' \))
done
echo "system-arm64: ${#arm[@]} arm64 packages, $([ $bad = 0 ] && echo ok || echo FAILED)"
[ -n "${SMTJ_COUNTS:-}" ] && echo "$((1 - bad)) $bad" >"$SMTJ_COUNTS/system-arm64"
[ "$bad" = 0 ]
