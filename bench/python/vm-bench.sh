#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# The Python device benchmark in the system test's Debian image: boots it
# through tests/system/run.sh with bench/python/vm-guest.sh as the guest
# script (same cached image, no host-side DKMS builds), then writes the
# figures bench-device.py printed, with the host's load, as JSON.
#   vm-bench.sh TOP DEBDIR OUT_DIR OUT_JSON
# Environment: KVER (as run.sh), SMTJ_CACHE, PYTHON (for the JSON).
set -eu
top=$1 debs=$2 dir=$3 out=$4
here=$top/bench/python
mkdir -p "$dir"
# The VM is emulated on a shared host: its load is part of every figure.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
SYSTEM_GUEST=$here/vm-guest.sh SYSTEM_GUEST_FILES=$here/bench-device.py SYSTEM_OUT=$dir \
	"$top/tests/system/run.sh" "$debs" >"$dir/run.log" 2>&1 ||
	{ tail -n 20 "$dir/run.log"; echo "bench-python-vm: see $dir/console.log" >&2; exit 1; }
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
json=$(tr -d '\r' <"$dir/tap.log" | sed -n 's/^# json: //p' | head -n 1)
[ -n "$json" ] || { echo "bench-python-vm: no figures in $dir/tap.log" >&2; exit 1; }
LOAD_BEFORE=$load_before LOAD_AFTER=$load_after CPUS=$(nproc) "${PYTHON:-python3}" -c '
import json, os, sys
fig = json.loads(sys.argv[1])
doc = {"benchmark": "smtj Python module against smtjcat on a live device, Debian 12 VM (QEMU TCG)",
       "kernel": sys.argv[2],
       "mode": "simulator unthrottled, pattern; rings of 4 Mi samples",
       "baseline": "smtjcat -t TRANSPORT -b BATCH -n N >/dev/null, process start excluded",
       "host": {"cpus": int(os.environ["CPUS"]),
                "load_average_1_5_15_min_before": os.environ["LOAD_BEFORE"],
                "load_average_1_5_15_min_after": os.environ["LOAD_AFTER"]}}
doc.update(fig)
print(json.dumps(doc, indent=2))
' "$json" "$(tr -d '\r' <"$dir/tap.log" | sed -n 's/^# boot to bench: .*(kernel \(.*\))$/\1/p')" >"$out"
cat "$out"
