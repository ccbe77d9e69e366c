#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# run-vm.sh JOB OUTDIR [KERNEL-ARGS...]
# Boot the figures' VM (figures/vm-init) for guest job JOB, judge the run
# with tests/vm/run.sh, and unpack what the job wrote into OUTDIR.  The
# guest sends its output as a tar archive over a third serial port, which
# QEMU writes to OUTDIR/vm/data.tar.  From the environment (figures.mk sets
# them): VM_QEMU VM_MACHINE VM_KERNEL VM_DTB VM_CONSOLE VM_TAPDEV VM_ACCEL
# VM_KVM_CPUFLAGS FIG_INITRD FIG_VM_TIMEOUT FIG_VM_MEM.
set -euo pipefail
job=$1 dir=$2
shift 2
vm=$dir/vm
rm -rf "$vm"
mkdir -p "$vm"
: >"$vm/data.tar"
VM_SERIAL="-serial file:$vm/console.log -serial file:$vm/tap.log -serial file:$vm/data.tar" \
VM_INITRD=$FIG_INITRD VM_OUT=$vm VM_TIMEOUT=${FIG_VM_TIMEOUT:-1800} VM_MEM=${FIG_VM_MEM:-1024} \
VM_NAME=fig-$job VM_APPEND="fig_job=$job fig_data=ttyS2 $*" \
	"$(dirname "$0")/../tests/vm/run.sh" || {
	echo "run-vm: the VM run for $job failed; its console: $vm/console.txt" >&2
	exit 1
}
tar -xf "$vm/data.tar" -C "$dir" || { echo "run-vm: $vm/data.tar: not the job's archive" >&2; exit 1; }
