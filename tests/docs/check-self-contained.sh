#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The tree is self-contained: no file cites the team's background notes,
# which live outside the repository and which users of a release do not
# have.  What the code relies on is written under Documentation/ and cited
# by path and section (Documentation/dev-tools/testing.rst, "Static
# checks").  Prints every offending line and fails when there is one.
# Tracked and untracked files count, ignored ones (build/, data/) do not.
# The patterns are written so that this file does not match them.
set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
cd "$TOP" || exit 1
pattern='(DESIGN|REFERENCE|NOTES)[.]md|/work/share[d]'
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	hits=$(git grep -nIiE --untracked -e "$pattern" -- .)
else
	hits=$(grep -rnIiE --exclude-dir=.git --exclude-dir=build \
		--exclude-dir=data -e "$pattern" .)
fi
if [ -n "$hits" ]; then
	printf '%s\n' "$hits" >&2
	echo "docs-self-contained: the lines above cite documents outside the tree; write what they need into Documentation/ and cite that" >&2
	exit 1
fi
echo "docs-self-contained: no citation of documents outside the tree"
