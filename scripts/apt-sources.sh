#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The host's apt sources (deb822 .sources files and sources.list) as
# one-line "deb URI SUITE COMPONENTS" entries, one a line, sorted: what
# mmdebstrap takes as mirrors, so that the roots it builds (check-fresh,
# the system test's image) use the same archive as the host.
set -euo pipefail
{
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -r "$f" ] || continue
		awk 'function flush(  n, m, i, j, U, S) {
			if (t ~ /(^| )deb( |$)/ && u != "") {
				n = split(u, U, " "); m = split(s, S, " ")
				for (i = 1; i <= n; i++) for (j = 1; j <= m; j++)
					print "deb " U[i] " " S[j] " " c
			}
			t = u = s = c = ""
		}
		/^[ \t]*$/ { flush(); next }
		/^Types:/ { t = substr($0, 8) }
		/^URIs:/ { u = substr($0, 6) }
		/^Suites:/ { s = substr($0, 8) }
		/^Components:/ { c = substr($0, 12) }
		END { flush() }' "$f"
	done
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		grep -E '^[[:space:]]*deb[[:space:]]' || true
} | sed 's/[[:space:]]\+/ /g; s/^ //; s/ $//' | sort -u
