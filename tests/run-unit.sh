#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run host unit-test programs (each prints TAP and exits nonzero on failure)
# and count their test points for scripts/check.sh.
set -u
passed=0
failed=0
rc=0
for t in "$@"; do
	out=$("$t" 2>&1)
	st=$?
	printf '%s\n' "$out" | sed "s|^|$(basename "$t"): |"
	p=$(printf '%s\n' "$out" | grep -cE '^ok ')
	f=$(printf '%s\n' "$out" | grep -cE '^not ok ')
	plan=$(printf '%s\n' "$out" | sed -n 's/^1\.\.\([0-9]*\).*/\1/p' | tail -n 1)
	if [ "$st" -ne 0 ] || [ -z "$plan" ] || [ $((p + f)) -ne "$plan" ]; then
		[ "$f" -eq 0 ] && f=1
		echo "$(basename "$t"): FAILED (exit $st, plan ${plan:-none}, ran $((p + f)))"
		rc=1
	fi
	passed=$((passed + p))
	failed=$((failed + f))
done
[ -n "${SMTJ_COUNTS:-}" ] && echo "$passed $failed" >"$SMTJ_COUNTS/unit"
echo "unit: $passed passed, $failed failed"
exit $rc
