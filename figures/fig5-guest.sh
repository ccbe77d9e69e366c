#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Fig. 5, guest part: the 2-2-2-1 teacher task trained live on noise read
# from /dev/smtj0 through io_uring, one run per seed.  The sweep is planned
# with smtj-sweep and its job lines run one after the other (the guest has
# no GNU parallel); the host merges the results.  Kernel arguments:
# fig5_seeds (first..last), fig5_epochs.
out=$1
# shellcheck disable=SC2034 # lib.sh uses it
me=fig5-guest
. /fig/lib.sh
: >"$out/commands.sh"
run smtjctl -d /dev/smtj0 --unthrottled --seed "${fig5_devseed:-1}" set-sim || exit 1
run smtj-sweep plan "$out/sweep" --grid "seed=${fig5_seeds:-1..10}" -- \
	--dataset teacher:2-2-2-1 --epochs "${fig5_epochs:-100}" --threads 1 \
	--noise device:path=/dev/smtj0,transport=uring || exit 1
note "then each line of $out/sweep/jobs, in order:"
rc=0
while IFS= read -r job; do
	echo "$job" >>"$out/commands.sh"
	sh -c "$job" || rc=1
done <"$out/sweep/jobs"
exit $rc
