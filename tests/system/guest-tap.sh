# SPDX-License-Identifier: GPL-2.0-or-later
#
# TAP for the scripts run.sh puts on the test disk (guest.sh, or the one
# SYSTEM_GUEST names), sourced by them: test points go to the serial port
# /dev/ttyS1 (fd 3), which run.sh judges; the commands' own output and a
# "==> N: ..." line before each go to the console.  $failed counts the
# failed points for the script's final "# smtj-system: done" line.
# shellcheck shell=bash
exec 3>/dev/ttyS1
n=0
failed=0
ok() {	# ok DESCRIPTION COMMAND...: one test point from a command's status
	local d=$1
	shift
	n=$((n + 1))
	echo "==> $n: $d"
	if "$@"; then
		echo "ok $n - $d" >&3
	else
		echo "not ok $n - $d" >&3
		failed=$((failed + 1))
	fi
}
