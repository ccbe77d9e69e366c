#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The documentation parses: every reStructuredText file under
# Documentation/ with docutils (a warning fails: a broken table or title
# silently loses text when rendered), every man page with groff -ww (all
# warnings on).  Uses Debian's python3 and its python3-docutils
# (scripts/install-deps.sh), not whatever python3 comes first in PATH.
# Usage: check-docs.sh rst|man
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
bad=0
case "${1:-}" in
rst)
	for f in $(git ls-files 'Documentation/*.rst' 2>/dev/null ||
		   find Documentation -name '*.rst'); do
		/usr/bin/python3 - "$f" <<'PY' || bad=1
import sys
import docutils.core
import docutils.utils
path = sys.argv[1]
try:
    with open(path, encoding="utf-8") as f:
        docutils.core.publish_doctree(
            f.read(), source_path=path,
            settings_overrides={"report_level": 2, "halt_level": 2,
                                "warning_stream": sys.stderr})
except docutils.utils.SystemMessage as e:
    sys.exit(f"{path}: {e}")
PY
	done
	n=$(git ls-files 'Documentation/*.rst' | wc -l)
	[ $bad -eq 0 ] && echo "docs-rst: $n files parse cleanly"
	;;
man)
	for f in Documentation/man/*.[1-8]; do
		out=$(LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$f" 2>&1)
		if [ -n "$out" ]; then
			echo "$f: $out" >&2
			bad=1
		fi
	done
	[ $bad -eq 0 ] && echo "docs-man: $(ls Documentation/man/*.[1-8] | wc -l) man pages clean"
	;;
*)
	echo "usage: check-docs.sh rst|man" >&2
	exit 2
	;;
esac
exit $bad
