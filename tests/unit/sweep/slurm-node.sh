#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# A throw-away single-node Slurm for tests: munged, slurmctld -D and
# slurmd -D on localhost, configured and logging under DIR, on ports of
# their own.  Sourced by a test:
#   slurm_start DIR    start everything; SLURM_CONF is exported
#   slurm_stop         stop every daemon started (and job steps left)
# The test calls slurm_stop from its EXIT trap: no daemon outlives it.

slurm_pids=()
slurm_dir=

# Every process whose command line names DIR/ (job steps, slurmstepd),
# as PIDs; the pattern from a file beside DIR, so that grep does not find
# itself.
slurm_leftovers() {
	printf '%s/\n' "$slurm_dir" >"$slurm_dir.pattern"
	grep -laFf "$slurm_dir.pattern" /proc/[0-9]*/cmdline 2>/dev/null |
		sed 's|^/proc/\([0-9]*\)/cmdline$|\1|' | grep -vx "$$" || true
}

slurm_stop() {
	local p i
	[ -n "$slurm_dir" ] || return 0
	for p in "${slurm_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for i in $(seq 50); do
		local alive=0
		for p in "${slurm_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
		[ $alive -eq 0 ] && break
		sleep 0.1
	done
	for p in "${slurm_pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
	# slurmstepd and job processes the daemons left behind; killed ones
	# that are not our children vanish only when init has reaped them.
	wait 2>/dev/null
	for i in $(seq 50); do
		p=$(slurm_leftovers)
		[ -z "$p" ] && break
		kill -KILL $p 2>/dev/null
		sleep 0.1
	done
	rm -f "$slurm_dir.pattern"
	slurm_pids=()
}

slurm_start() {
	local d=${1%/} host port i
	slurm_dir=$d
	mkdir -p "$d/state" "$d/spool" "$d/log"
	host=$(hostname -s)
	# Ports from the PID, away from Slurm's 6817/6818: parallel test
	# runs on one machine do not collide.
	port=$((20000 + ($$ % 20000) * 2))
	# munge: a key of our own, a socket under DIR.
	head -c 128 /dev/urandom >"$d/munge.key"
	chmod 600 "$d/munge.key"
	chmod 700 "$d"
	munged --foreground --force --key-file="$d/munge.key" \
		--socket="$d/munge.sock" --pid-file="$d/munged.pid" \
		--log-file="$d/log/munged.log" --seed-file="$d/munge.seed" \
		>"$d/log/munged.out" 2>&1 &
	slurm_pids+=($!)
	cat >"$d/slurm.conf" <<CONF
ClusterName=smtjtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge.sock
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/slurmctld.pid
SlurmdPidFile=$d/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
SwitchType=switch/none
ReturnToService=2
KillWait=2
InactiveLimit=0
MinJobAge=30
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
	export SLURM_CONF=$d/slurm.conf
	for i in $(seq 50); do [ -S "$d/munge.sock" ] && break; sleep 0.1; done
	slurmctld -D -i -f "$SLURM_CONF" >"$d/log/slurmctld.out" 2>&1 &
	slurm_pids+=($!)
	slurmd -D -f "$SLURM_CONF" -N "$host" >"$d/log/slurmd.out" 2>&1 &
	slurm_pids+=($!)
	# Up when the node is idle.
	for i in $(seq 150); do
		sinfo -h -o %t 2>/dev/null | grep -qx idle && return 0
		sleep 0.2
	done
	return 1
}
