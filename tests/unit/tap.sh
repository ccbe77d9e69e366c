# SPDX-License-Identifier: GPL-2.0-or-later
#
# TAP for the host tests written in shell; sourced (". tests/unit/tap.sh").
#   ok STATUS DESCRIPTION   "ok N" when STATUS is 0, else "not ok N"
#   skip REASON             "ok N # SKIP REASON"
#   tap_done                the plan; its status is the script's result
#                           (call it last)
#   tap_tmpdir NAME         D: a new directory /tmp/NAME.XXXXXX, removed
#                           when the script exits
tap_n=0
tap_fails=0

ok() {
	tap_n=$((tap_n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $tap_n - $2"
	else
		echo "not ok $tap_n - $2"
		tap_fails=$((tap_fails + 1))
	fi
}

skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n # SKIP $1"
}

tap_done() {
	echo "1..$tap_n"
	[ "$tap_fails" -eq 0 ]
}

tap_tmpdir() {
	D=$(mktemp -d "/tmp/$1.XXXXXX") || exit 1
	trap 'rm -rf "$D"' EXIT
}
