#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# check.sh OUTDIR: validate the bindings, their examples, the overlays and
# the QEMU test fragment.  dt-doc-validate and dt-validate exit 0 even when
# they report errors, so a step passes only if it exits 0 AND writes nothing
# on stderr or stdout.  Prints "ok"/"not ok" per step, writes "PASSED
# FAILED" to $SMTJ_COUNTS/bindings when SMTJ_COUNTS is set, exits nonzero
# on any failure.
#
# Examples are compiled with -Wno-avoid_unnecessary_addr_size, as the
# kernel's dt_binding_check does: dt-extract-example wraps every example in
# a node with #address-cells and #size-cells, which dtc flags when the
# example's nodes have no reg.  Everything else uses dtc's default warnings.
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${1:-$top/build/dt}
rm -rf "$out"
mkdir -p "$out"
pass=0
fail=0

# step NAME CMD...: run CMD (a shell string), quiet output required
step() {
	name=$1
	shift
	if sh -c "$*" >"$out/step.log" 2>&1 && [ ! -s "$out/step.log" ]; then
		pass=$((pass + 1))
		echo "ok - $name"
	else
		fail=$((fail + 1))
		echo "not ok - $name"
		sed 's/^/#   /' "$out/step.log"
	fi
}

for t in dt-doc-validate dt-mk-schema dt-extract-example dt-validate dtc fdtoverlay; do
	command -v "$t" >/dev/null 2>&1 ||
		{ echo "check-bindings: $t missing (dt-schema, device-tree-compiler)" >&2; exit 1; }
done

yamls=$(find "$here" -name '*.yaml' | sort)
for y in $yamls; do
	step "dt-doc-validate ${y#"$top"/}" "dt-doc-validate -u '$here' '$y'"
done
step "dt-mk-schema" "dt-mk-schema -j '$here' >'$out/schema.json'"
schema=$out/schema.json

for y in $yamls; do
	b=$(basename "$y" .yaml)
	step "example of ${y#"$top"/}" "dt-extract-example '$y' >'$out/$b.example.dts' &&
		dtc -Wno-avoid_unnecessary_addr_size -I dts -O dtb \
			-o '$out/$b.example.dtb' '$out/$b.example.dts' &&
		dt-validate -s '$schema' '$out/$b.example.dtb'"
done

step "rpi stub base (dtc -@)" \
	"dtc -@ -I dts -O dtb -o '$out/rpi-stub.dtb' '$here/overlays/rpi-stub.dts'"
for o in "$here"/overlays/*.dtso; do
	b=$(basename "$o" .dtso)
	step "overlay $b compiles (dtc -@)" \
		"dtc -@ -I dts -O dtb -o '$out/$b.dtbo' '$o'"
	step "overlay $b applies to the stub and validates" \
		"fdtoverlay -i '$out/rpi-stub.dtb' -o '$out/$b.merged.dtb' '$out/$b.dtbo' &&
		dt-validate -s '$schema' '$out/$b.merged.dtb'"
done

# the nodes the arm64 VM adds to QEMU's virt tree, on a minimal root (QEMU's
# own nodes have findings of their own that are not ours)
frag=$top/tests/kmod/virt-smtj.dtsi
if [ -f "$frag" ]; then
	{
		printf '/dts-v1/;\n/ {\n\tcompatible = "linux,dummy-virt";\n'
		printf '\tmodel = "stub";\n\t#address-cells = <2>;\n\t#size-cells = <2>;\n};\n'
		cat "$frag"
	} >"$out/virt-smtj.dts"
	step "QEMU virt fragment validates" \
		"dtc -I dts -O dtb -o '$out/virt-smtj.dtb' '$out/virt-smtj.dts' &&
		dt-validate -s '$schema' '$out/virt-smtj.dtb'"
	# the malformed nodes that smtj.ko must refuse: the schema catches the
	# two it can express (entries per junction count, required levels);
	# order, ADC range and shared codes are the driver's to catch
	bad=$top/tests/kmod/virt-smtj-malformed.dtsi
	if [ -f "$bad" ]; then
		cat "$out/virt-smtj.dts" "$bad" >"$out/virt-smtj-malformed.dts"
		step "QEMU virt malformed fragment: the schema flags rng-bad-count and rng-bad-missing only" \
			"dtc -I dts -O dtb -o '$out/virt-smtj-malformed.dtb' '$out/virt-smtj-malformed.dts' &&
			dt-validate -s '$schema' '$out/virt-smtj-malformed.dtb' 2>&1 |
				grep -o 'rng-bad-[a-z]*:' | sort -u | tr '\n' ' ' |
				grep -qx 'rng-bad-count: rng-bad-missing: '"
	fi
fi

rm -f "$out/step.log"
echo "check-bindings: $pass passed, $fail failed"
[ -n "${SMTJ_COUNTS:-}" ] && [ -d "$SMTJ_COUNTS" ] && echo "$pass $fail" >"$SMTJ_COUNTS/bindings"
[ "$fail" -eq 0 ]
