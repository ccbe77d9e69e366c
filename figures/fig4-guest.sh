#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 4, guest part: record a noise series from /dev/smtj0 with smtjcat
# (raw 16-bit codes, read through io_uring) for the host to replay, and the
# device's volts per code.  Kernel arguments: fig4_rec (samples),
# fig4_devseed.
out=$1
# shellcheck disable=SC2034 # lib.sh uses it
me=fig4-guest
. /fig/lib.sh
: >"$out/commands.sh"
run_to "$out/sim.txt" smtjctl -d /dev/smtj0 --unthrottled --seed "${fig4_devseed:-1}" set-sim || exit 1
run_to "$out/info.json" smtjctl -d /dev/smtj0 --json info || exit 1
run_to "$out/recording.u16" smtjcat -d /dev/smtj0 -t uring -n "${fig4_rec:-1048576}" -f u16 || exit 1
