#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
#
# smoke.sh ENV TEST_ADC_KO [EXTRA_KO...]
#
# Boot one Debian kernel in QEMU with a minimal initramfs and check the test
# ADC there: the IIO core modules come from the kernel's own /lib/modules
# tree, smtj-test-adc.ko probes (from the device tree on arm64, through
# instantiate=1 and an IIO map on x86_64), both levels of the telegraph
# show in in_voltage0_raw, the scale is 3300/2^14 mV, and the triggered
# buffer delivers scans.  EXTRA_KO are loaded afterwards (e.g. a consumer);
# their kernel messages are shown.  Ends with "smoke: N passed, M failed"
# and the boot time; exits nonzero on any failure or a WARNING/BUG/Oops.
#
# ENV is a file of scripts/fetch-kernels.sh (KVER, KARCH, VMLINUZ, MODDIR)
# or "host" for an installed Debian amd64 kernel (KVER, default the newest
# 6.1).  BUSYBOX overrides
# the busybox binary (arm64: $SMTJ_CACHE/kernels/arm64-user/root/bin/busybox).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
[ $# -ge 2 ] || { echo "usage: $0 ENV|host TEST_ADC_KO [EXTRA_KO...]" >&2; exit 2; }
envf=$1
ko=$2
shift 2

if [ "$envf" = host ]; then
	KVER=${KVER:-$(ls -d /lib/modules/6.1.*-amd64 | sed 's|.*/||' | sort -V | tail -n 1)}
	KARCH=x86_64
	VMLINUZ=/boot/vmlinuz-$KVER
	MODDIR=/lib/modules/$KVER
else
	. "$envf"
fi
BUILD=${BUILD:-$top/build}
work=$BUILD/kmod-test/smoke-$KARCH-$KVER
rm -rf "$work"
mkdir -p "$work/root/bin" "$work/root/lib/mods"

if [ "$KARCH" = arm64 ]; then
	BUSYBOX=${BUSYBOX:-${KERNELS:-${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}/kernels}/arm64-user/root/bin/busybox}
	console=ttyAMA0
	adc_args=""
else
	BUSYBOX=${BUSYBOX:-/bin/busybox}
	console=ttyS0
	adc_args="instantiate=1 consumer_dev=1"
fi
cp "$BUSYBOX" "$work/root/bin/busybox"

# IIO core and buffer helpers, in load order, uncompressed (6.12 ships .xz)
n=0
for m in industrialio kfifo_buf industrialio-triggered-buffer; do
	f=$(find "$MODDIR/kernel/drivers/iio" -name "$m.ko*" | head -n 1)
	[ -n "$f" ] || { echo "smoke: $m not in $MODDIR" >&2; exit 1; }
	n=$((n + 1))
	case "$f" in
	*.xz) xz -dc "$f" >"$work/root/lib/mods/$n-$m.ko" ;;
	*.zst) zstd -qdc "$f" >"$work/root/lib/mods/$n-$m.ko" ;;
	*) cp "$f" "$work/root/lib/mods/$n-$m.ko" ;;
	esac
done
# arm64 "virt" has one UART: a second channel (as the VM harness wants for
# TAP) is a virtio console, /dev/hvc0, from two modules of the image
if [ "$KARCH" = arm64 ]; then
	: >"$work/root/lib/hvc0"
	for m in virtio_mmio virtio_console; do
		# built in where not found (6.12 builds virtio_console in)
		f=$(find "$MODDIR/kernel/drivers" -name "$m.ko*" | head -n 1)
		case "$f" in
		"") ;;
		*.xz) xz -dc "$f" >"$work/root/lib/$m.ko" ;;
		*) cp "$f" "$work/root/lib/$m.ko" ;;
		esac
	done
fi
cp "$ko" "$work/root/lib/smtj-test-adc.ko"
i=0
for e in "$@"; do
	i=$((i + 1))
	cp "$e" "$work/root/lib/extra$i-$(basename "$e")"
done

cat >"$work/root/init" <<EOF
#!/bin/busybox sh
/bin/busybox mkdir -p /proc /sys /dev /sbin /usr/bin /usr/sbin /tmp
/bin/busybox --install -s
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs dev /dev
echo "smoke: init at \$(cut -d' ' -f1 /proc/uptime) s"
pass=0
fail=0
t() {
	if eval "\$2" >/tmp/out 2>&1; then
		pass=\$((pass + 1)); echo "ok - \$1"
	else
		fail=\$((fail + 1)); echo "not ok - \$1"; cat /tmp/out
	fi
}
for m in /lib/mods/*.ko; do insmod \$m || echo "insmod \$m failed"; done
t "insmod smtj-test-adc $adc_args" "insmod /lib/smtj-test-adc.ko $adc_args"
for e in /lib/extra*.ko; do [ -f "\$e" ] && insmod "\$e"; done
d=
for x in /sys/bus/iio/devices/iio:device*; do
	[ "\$(cat \$x/name)" = smtj-test-adc ] && d=\$x
done
t "IIO device smtj-test-adc exists (\$d)" '[ -n "\$d" ]'
if [ -e /sys/firmware/devicetree/base ]; then
	t "bound from the device tree" '[ -e /sys/bus/platform/drivers/smtj-test-adc/adc/of_node ] && grep -q smtj,test-adc /sys/bus/platform/drivers/smtj-test-adc/adc/of_node/compatible'
else
	t "instantiated without device tree" '[ -e /sys/bus/platform/drivers/smtj-test-adc/smtj-test-adc ]'
	t "consumer device smtj created" '[ -e /sys/bus/platform/devices/smtj ]'
fi
t "scale is 3300/2^14 mV" 'grep -qx 0.201416015 \$d/in_voltage_scale'
: >/tmp/raw
k=0
while [ \$k -lt 100 ]; do cat \$d/in_voltage0_raw >>/tmp/raw; k=\$((k + 1)); done
echo "levels seen: \$(sort -n /tmp/raw | uniq -c | tr '\n' ' ')"
t "both telegraph levels (238, 180) in 100 reads" 'grep -qx 238 /tmp/raw && grep -qx 180 /tmp/raw && [ \$(sort -u /tmp/raw | wc -l) -eq 2 ]'
P=/sys/module/smtj_test_adc/parameters
t "out-of-range level refused" '! echo 16384 >\$P/level0 && [ \$(cat \$P/level0) = 238 ]'
echo 0 >\$P/flip_ppm
: >/tmp/stuck
k=0
while [ \$k -lt 20 ]; do cat \$d/in_voltage0_raw >>/tmp/stuck; k=\$((k + 1)); done
echo 80900 >\$P/flip_ppm
t "flip_ppm=0 sticks the junction" '[ \$(sort -u /tmp/stuck | wc -l) -eq 1 ]'
echo 2 >\$P/fail_reads
# dd: one read() per try (busybox cat may try sendfile first, then read)
r="dd if=\$d/in_voltage0_raw bs=64 count=1"
t "fail_reads=2 fails two reads with EIO, then reads work" '! \$r && ! \$r && \$r && [ \$(cat \$P/fail_reads) = 0 ]'
trig=\$(cat /sys/bus/iio/devices/trigger*/name | grep smtj-test-adc | head -n 1)
t "own trigger registered (\$trig)" '[ -n "\$trig" ]'
echo "\$trig" >\$d/trigger/current_trigger
echo 1 >\$d/scan_elements/in_voltage0_en
echo 1 >\$d/scan_elements/in_timestamp_en
echo 2000 >\$d/sampling_frequency
echo 4096 >\$d/buffer/length
echo 1 >\$d/buffer/enable
timeout 10 dd if=/dev/\${d##*/} of=/tmp/buf bs=16 count=1000 2>/dev/null
echo 0 >\$d/buffer/enable
echo >\$d/trigger/current_trigger
sz=\$(wc -c </tmp/buf)
od -An -tu2 -w16 -v /tmp/buf | awk '{ print \$1 }' | sort -u >/tmp/blevels
echo "triggered buffer: \$sz bytes, codes \$(tr '\\n' ' ' </tmp/blevels)"
t "triggered buffer delivers 1000 scans of both levels" '[ "\$sz" -eq 16000 ] && [ "\$(cat /tmp/blevels)" = "\$(printf "180\\n238")" ]'
dmesg | grep -E 'smtj|iio' | tail -n 30
t "no WARNING/BUG/Oops in the kernel log" '! dmesg | grep -E "WARNING|BUG|Oops|refcount_t|list_(add|del) corruption"'
t "rmmod smtj-test-adc" 'for e in /lib/extra*.ko; do [ -f "\$e" ] && rmmod \$(basename \$e .ko | sed s/^extra[0-9]*-// | tr - _); done; rmmod smtj_test_adc'
echo "smoke: \$pass passed, \$fail failed"
if [ -f /lib/hvc0 ]; then
	for m in virtio_mmio virtio_console; do
		[ -f /lib/\$m.ko ] && insmod /lib/\$m.ko
	done
	k=0
	while [ ! -c /dev/hvc0 ] && [ \$k -lt 50 ]; do sleep 0.1; k=\$((k + 1)); done
	echo "smoke: \$pass passed, \$fail failed" >/dev/hvc0
fi
echo "smoke: done at \$(cut -d' ' -f1 /proc/uptime) s"
poweroff -f
EOF
chmod +x "$work/root/init"
(cd "$work/root" && find . | cpio -o -H newc --quiet | gzip -1) >"$work/initrd.gz"

accel="-accel tcg"
if [ "$KARCH" = arm64 ]; then
	mach="-M virt -cpu cortex-a72 -m 512 -smp 1"
	# shellcheck disable=SC2086
	"$here/virt-dtb.sh" "$work/virt.dtb" "$here/virt-smtj.dtsi" \
		-cpu cortex-a72 -m 512 -smp 1
	qemu=qemu-system-aarch64
	extra="-dtb $work/virt.dtb -device virtio-serial-device
		-chardev file,id=tap,path=$work/tap.log
		-device virtconsole,chardev=tap"
else
	if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then
		accel="-accel kvm"
	fi
	mach="-M q35 -m 512 -smp 1"
	qemu=qemu-system-x86_64
	extra=""
fi
start=$(date +%s.%N)
# shellcheck disable=SC2086
timeout 120 $qemu $mach $accel $extra -no-reboot -nodefaults -display none \
	-monitor none -serial "file:$work/console.log" -kernel "$VMLINUZ" \
	-initrd "$work/initrd.gz" \
	-append "console=$console panic=-1 oops=panic loglevel=4" || true
end=$(date +%s.%N)
tr -d '\r' <"$work/console.log" >"$work/console.txt"
sed -n '/smoke: init/,$p' "$work/console.txt"
echo "smoke: $KARCH $KVER: boot to poweroff $(awk "BEGIN { printf \"%.1f\", $end - $start }") s (wall, TCG unless KVM said)"
if [ "$KARCH" = arm64 ]; then
	echo "smoke: virtio console (hvc0) says: $(cat "$work/tap.log" 2>/dev/null)"
	grep -q '^smoke: [0-9]* passed, 0 failed' "$work/tap.log"
fi
grep -q '^smoke: [0-9]* passed, 0 failed' "$work/console.txt"
