#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Boot the test VM, collect the selftests' TAP and judge the run.
# Settings come from the environment (tests/vm/vm.mk and arch.make set them):
#   VM_QEMU VM_MACHINE VM_SERIAL VM_KERNEL VM_DTB VM_INITRD VM_CONSOLE
#   VM_TAPDEV VM_OUT (run directory) VM_KVM_CPUFLAGS
#   VM_ACCEL   auto (default), kvm or tcg
#   VM_TIMEOUT seconds for the whole boot (default 180)
#   VM_NAME    name of the counts file (default vm)
#   VM_APPEND  more kernel arguments (they reach /init as variables)
#   VM_ARCH_APPEND  the architecture's own kernel arguments (arch.make)
#   VM_BUILD_INITRD=1  run tests/vm/mkinitramfs.sh first (its variables too)
#   SMTJ_COUNTS  if set, "PASSED FAILED" goes to $SMTJ_COUNTS/$VM_NAME
#
# Passes only if every announced TAP plan is complete, every test passed,
# every program ran with the module loaded and unloaded cleanly, /init wrote
# its final line, the kernel log shows no warning, BUG, oops, corruption,
# sanitizer, lockdep or kmemleak report, lockdep is still on and the kernel
# is not tainted by a problem.  QEMU's exit status means nothing (it is 0
# after a guest panic too).
set -uo pipefail
: "${VM_ACCEL:=auto}" "${VM_TIMEOUT:=180}" "${VM_NAME:=vm}" "${VM_MEM:=512}" "${VM_SMP:=2}"
: "${VM_KVM_CPUFLAGS:=vmx|svm}" "${VM_DTB:=}" "${VM_MACHINE:=}"
for v in VM_QEMU VM_SERIAL VM_KERNEL VM_INITRD VM_CONSOLE VM_TAPDEV VM_OUT; do
	[ -n "${!v:-}" ] || { echo "vm: $v is not set" >&2; exit 2; }
done
[ -r "$VM_KERNEL" ] || { echo "vm: kernel $VM_KERNEL is not readable" >&2; exit 2; }
# With VM_BUILD_INITRD=1, build the image first (vm.mk runs this script under
# a lock, so the image booted is the one built here).
if [ "${VM_BUILD_INITRD:-0}" = 1 ]; then
	"$(dirname "$0")/mkinitramfs.sh" "$VM_INITRD" || exit 2
fi
mkdir -p "$VM_OUT"
console=$VM_OUT/console.log
tap=$VM_OUT/tap.log

qemu() {	# qemu ACCEL TIMEOUT EXTRA-APPEND
	rm -f "$console" "$tap"
	# shellcheck disable=SC2086
	timeout -k 5 "$2" "$VM_QEMU" $VM_MACHINE -accel "$1" -m "$VM_MEM" -smp "$VM_SMP" \
		-no-reboot -nodefaults -display none -monitor none $VM_SERIAL \
		-kernel "$VM_KERNEL" ${VM_DTB:+-dtb "$VM_DTB"} -initrd "$VM_INITRD" \
		-append "console=$VM_CONSOLE panic=-1 oops=panic tapdev=$VM_TAPDEV ${VM_ARCH_APPEND:-} $3 ${VM_APPEND:-}" \
		</dev/null >"$VM_OUT/qemu.log" 2>&1
}

# KVM only where it really works: on some hosts /dev/kvm hangs a stock
# kernel (Documentation/dev-tools/testing.rst, "The VM stage"), so a short
# boot must reach /init first.
accel=$VM_ACCEL
if [ "$accel" = auto ]; then
	accel=tcg
	if [ -w /dev/kvm ] && grep -qwE "$VM_KVM_CPUFLAGS" /proc/cpuinfo; then
		qemu kvm 30 smtj_probe=1
		if tr -d '\r' <"$console" 2>/dev/null | grep -q '^smtj-vm: probe ok'; then
			accel=kvm
		else
			echo "vm: KVM probe did not reach /init in 30 s; using TCG"
		fi
	fi
fi

start=$SECONDS
qemu "$accel" "$VM_TIMEOUT" ""
qrc=$?
elapsed=$((SECONDS - start))
[ -f "$tap" ] || : >"$tap"
[ -f "$console" ] || : >"$console"
tr -d '\r' <"$tap" >"$VM_OUT/tap.txt"
tr -d '\r' <"$console" >"$VM_OUT/console.txt"

# Per program: announced plan, ok, not ok / skipped, exit status.
# Output lines: R prog plan pass fail missing rc note
awk -v out="$VM_OUT" '
function flush() {}
/^# smtj-vm: plan / { plan[$4] = $5; order[++np] = $4; next }
/^# smtj-vm: begin / { cur = $4; began[cur] = 1; next }
/^# smtj-vm: end / { sub(/^rc=/, "", $5); rc[$4] = $5; cur = ""; next }
/^# smtj-vm: insmod-failed / { note[$4] = note[$4] " insmod-failed"; next }
/^# smtj-vm: rmmod-failed / { note[$4] = note[$4] " rmmod-failed"; next }
/^# smtj-vm: done/ { done = 1; next }
cur == "" { next }
/^1\.\.[0-9]+/ { sub(/^1\.\./, ""); seenplan[cur] = $0 + 0; next }
/^ok [0-9]+/ {
	if ($0 ~ /# *SKIP/) { fail[cur]++; failed[cur] = failed[cur] "\n    skipped: " $0 }
	else pass[cur]++
	next
}
/^not ok [0-9]+/ { fail[cur]++; failed[cur] = failed[cur] "\n    " $0; next }
END {
	for (i = 1; i <= np; i++) {
		p = order[i]
		n = plan[p]
		if (n !~ /^[0-9]+$/) n = (p in seenplan) ? seenplan[p] : 1
		if (n == 0) { n = 1; note[p] = note[p] " empty-plan" }
		if ((p in seenplan) && seenplan[p] != plan[p]) note[p] = note[p] " plan-mismatch"
		if (!(p in began)) note[p] = note[p] " not-run"
		else if (!(p in rc)) note[p] = note[p] " no-exit"
		else if (rc[p] != 0) note[p] = note[p] " exit=" rc[p]
		ran = pass[p] + fail[p]
		miss = n - ran; if (miss < 0) miss = 0
		printf "R %s %d %d %d %d %s\n", p, n, pass[p] + 0, fail[p] + 0, miss, note[p]
		if (failed[p] != "") printf "F %s%s\n", p, failed[p]
	}
	printf "D %d %d\n", done + 0, np
}' "$VM_OUT/tap.txt" >"$VM_OUT/summary.txt"

total=0 passed=0 failed=0 bad=0
echo "vm: $(basename "$VM_KERNEL"), accel $accel, $elapsed s (qemu exit $qrc); logs in $VM_OUT"
while read -r kind prog plan pass fail miss note; do
	[ "$kind" = R ] || continue
	total=$((total + plan))
	passed=$((passed + pass))
	status=ok
	if [ "$pass" -ne "$plan" ] || [ -n "$note" ]; then
		status=FAILED
		bad=1
	fi
	printf 'vm:   %-28s %3d/%-3d passed  %s%s\n' "$prog" "$pass" "$plan" "$status" \
		"${note:+ ($note )}"
done <"$VM_OUT/summary.txt"
failed=$((total - passed))

read -r _ done nprog < <(grep '^D ' "$VM_OUT/summary.txt")
if [ "${nprog:-0}" -eq 0 ]; then
	echo "vm: FAILED: /init announced no test programs"
	bad=1
	failed=$((failed + 1))
fi
if [ "${done:-0}" -ne 1 ] || ! grep -q '^smtj-vm: done' "$VM_OUT/console.txt"; then
	echo "vm: FAILED: /init did not write its final line (timeout ${VM_TIMEOUT}s, crash or panic?); the console ended:"
	tail -n 15 "$VM_OUT/console.txt" | sed 's/^/    /'
	bad=1
	[ "$failed" -eq 0 ] && failed=1
fi

# Failed tests, each with the harness's lines for it.
if grep -q '^F ' "$VM_OUT/summary.txt"; then
	echo "vm: failed tests:"
	awk '/^F /{p=1; sub(/^F /, "  "); print; next} /^[RD] /{p=0} p' "$VM_OUT/summary.txt"
	echo "vm: their log lines:"
	awk '
	/^#  RUN / { buf = $0; n = 1; next }
	n && /^(ok|not ok) / { if ($0 ~ /^not ok/ || $0 ~ /# *SKIP/) print buf "\n" $0; n = 0; next }
	n { if (n < 40) buf = buf "\n" $0; n++ }' "$VM_OUT/tap.txt" | sed 's/^/    /' | head -n 200
fi

# The kernel log: the console holds it live and the dump /init made.
# What the stage must never see; beyond the required list, the other reports
# that come with a stack trace (lockups, stalls, hung tasks, sanitizers).
pat='WARNING:|(^|[^A-Z_])BUG[: ]|Oops|sleeping function called from invalid context'
pat+='|list_add corruption|list_del corruption|refcount_t|general protection fault'
pat+='|Kernel panic|kernel BUG|Call Trace|soft lockup|hard LOCKUP|detected stalls'
pat+='|blocked for more than|UBSAN:|KASAN:|KFENCE:|double free|use-after-free'
# the debug kernel's checkers: lockdep's reports are WARNINGs or BUGs, but
# some of its notes are not; debugobjects, kmemleak (scanned by /init), RCU
pat+='|possible circular locking|possible recursive locking|inconsistent lock state'
pat+='|lockdep is turned off|non-static key|ODEBUG:|unreferenced object'
pat+='|suspected memory leak|stall on CPU|Internal error:'
# Boot banners that name a checker are not reports (DEBUG_OBJECTS_RCU_HEAD:
# "RCU callback double-/use-after-free debug is enabled").
banner='debug is enabled'
# kmemleak's objects are judged one by one: an object allocated under
# start_kernel (pid 0, before /init and any module) is the boot's, even when
# it only turns unreferenced after /init's first scan and clear (ACPI's
# caches under allnoconfig do); it goes to boot-leaks.txt.  The kernel's own
# "N new suspected memory leaks" line counts those too, so it is dropped:
# every other object's "unreferenced object" line still fails the stage.
rm -f "$VM_OUT/boot-leaks.txt"
awk -v boot="$VM_OUT/boot-leaks.txt" '
function flush() {
	if (blk == "") return
	if (blk ~ /start_kernel\+/) print blk >boot; else printf "%s", blk
	blk = ""
}
/smtj-vm: kmemleak begin/ { inleak = 1; print; next }
/smtj-vm: kmemleak end/ { flush(); inleak = 0; print; next }
inleak && /^unreferenced object / { flush(); blk = $0 "\n"; next }
inleak && blk != "" { blk = blk $0 "\n"; next }
/kmemleak: [0-9]+ new suspected memory leaks/ { next }
{ print }' "$VM_OUT/console.txt" >"$VM_OUT/console-judged.txt"
[ -s "$VM_OUT/boot-leaks.txt" ] &&
	echo "vm: note: $(grep -c '^unreferenced object' "$VM_OUT/boot-leaks.txt") kmemleak objects allocated during start_kernel, not the module's ($VM_OUT/boot-leaks.txt)"
if grep -nE "$pat" "$VM_OUT/console-judged.txt" | grep -v "$banner" >"$VM_OUT/kernel-problems.txt"; then
	echo "vm: FAILED: the kernel log reports problems (all in $VM_OUT/kernel-problems.txt):"
	# each report once (the console has it live and in /init's dump)
	sed 's/^[0-9]*:\(\[ *[0-9.]*\] \)\{0,1\}//' "$VM_OUT/kernel-problems.txt" |
		awk '!seen[$0]++' | head -n 20 | sed 's/^/    /'
	echo "vm: the first report:"
	first=$(head -n 1 "$VM_OUT/kernel-problems.txt" | cut -d: -f1)
	sed -n "$((first > 3 ? first - 3 : 1)),$((first + 25))p" "$VM_OUT/console-judged.txt" | sed 's/^/    /'
	bad=1
	failed=$((failed + 1))
fi
# What /init read at the end: lockdep switched off (after a report, or a
# taint that makes it unreliable), and taint flags that only a kernel problem
# sets: M machine check, B bad page (KASAN, KFENCE), D oops, W warning,
# L soft lockup.  Out-of-tree (O) and unsigned (E) modules are expected.
if grep -q '^smtj-vm: debug_locks 0' "$VM_OUT/console.txt"; then
	echo "vm: FAILED: lockdep turned itself off (debug_locks 0): a lock report or a bad taint"
	bad=1
	failed=$((failed + 1))
fi
taint=$(sed -n 's/^smtj-vm: tainted \([0-9]*\)$/\1/p' "$VM_OUT/console.txt" | tail -n 1)
if [ -n "$taint" ] && [ $((taint & (16 | 32 | 128 | 512 | 16384))) -ne 0 ]; then
	echo "vm: FAILED: the kernel is tainted $taint (M=16 B=32 D=128 W=512 L=16384)"
	bad=1
	failed=$((failed + 1))
fi
if grep -q 'smtj-vm: \(insmod-failed\|rmmod-failed\)' "$VM_OUT/tap.txt"; then
	grep 'smtj-vm: \(insmod-failed\|rmmod-failed\)' "$VM_OUT/tap.txt" | sed 's/^/vm: FAILED: /'
	grep -E 'smtj|insmod|rmmod|Unknown symbol' "$VM_OUT/console.txt" | grep -v 'smtj-vm' | tail -n 10 | sed 's/^/    /'
	[ "$failed" -eq 0 ] && failed=1
	bad=1
fi

[ -n "${SMTJ_COUNTS:-}" ] && echo "$passed $failed" >"$SMTJ_COUNTS/$VM_NAME"
echo "vm: $passed passed, $failed failed (of $total test points)"
[ "$bad" -eq 0 ] && [ "$failed" -eq 0 ]
