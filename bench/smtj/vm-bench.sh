#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Run bench/smtj/vm-transport.c in the test VM and write its figures as
# JSON.  Uses the VM harness (tests/vm) through its public knobs only: a
# private BUILD directory (so a concurrent `make check-vm` is not
# disturbed), a VM_TESTS list naming the benchmark, and no other selftests
# to build (SELFTESTS=): the benchmark does not depend on them.
#   vm-bench.sh MAKE TOP BUILD_DIR BENCH_BINARY OUT_JSON
set -eu
make=$1 top=$2 dir=$3 bin=$4 out=$5
arch=${VM_ARCH:-$(uname -m)}
mkdir -p "$dir/vm/$arch/selftests"
cp "$bin" "$dir/vm/$arch/selftests/smtj_transport_bench"
printf 'smtj_transport_bench\t\tsim_devices=1\n' >"$dir/bench.list"
# The VM is emulated on a shared host: its load is part of every figure.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
$make -s -C "$top" BUILD="$dir" VM_TESTS="$dir/bench.list" SELFTESTS= check-vm-run >"$dir/vm.log" 2>&1 ||
	{ tail -n 20 "$dir/vm.log"; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
tap=$(ls -t "$dir"/vm/"$arch"/run-*/tap.log | head -n 1)
# "# json-top: NAME: VALUE" lines are members of the top-level object,
# "# json: {...}" lines the elements of "results".
{
	printf '{\n  "benchmark": "libsmtj transports in the test VM (QEMU)",\n'
	printf '  "kernel": "%s",\n' "$(basename "$(dirname "$tap")" | sed 's/^run-//')"
	printf '  "mode": "simulator unthrottled, pattern; every consumer checks every sample",\n'
	printf '  "host": {"cpus": %s, "load_average_1_5_15_min_before": "%s", "load_average_1_5_15_min_after": "%s"},\n' \
		"$(nproc)" "$load_before" "$load_after"
	printf '  "vcpus": %s,\n' "$(tr -d '\r' <"$tap" | sed -n 's/^# smtj-vm: start .* cpus=\([0-9]*\).*/\1/p')"
	tr -d '\r' <"$tap" | sed -n 's/^# json-top: //p' | sed 's/^/  /; s/$/,/'
	printf '  "results": [\n'
	tr -d '\r' <"$tap" | sed -n 's/^# json: //p' | sed '$!s/$/,/' | sed 's/^/    /'
	printf '  ]\n}\n'
} >"$out"
cat "$out"
