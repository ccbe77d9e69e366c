#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Build (or find in the cache) the debug kernel of `make check-debug-kernel`:
# Debian's linux-source-6.1, x86_64 allnoconfig with debug.config merged in:
# what the test VM and smtj need, and the checkers (KASAN, lockdep, KFENCE,
# DEBUG_ATOMIC_SLEEP, kmemleak, ...).
#
#   tests/debug-kernel/build.sh     prints the path of the env file
#
# The cache entry is $SMTJ_CACHE/debug-kernel/<hash>/, the hash taken over
# the source package's version, the compiler, the base configuration and
# debug.config's settings (not its comments):
#   src/                 the unpacked source
#   build/               the O= build tree (bzImage, Module.symvers: what
#                        out-of-tree modules are built against)
#   linux-headers-KVER   a link to build/, the KDIR kernel/kernel.mk expects
#   root/lib/modules/KVER  modules_install (no module is needed by the VM)
#   config.log, config.check, build.log, seconds  what configuring and
#                        building said, and the build's time
#   env                  KVER KARCH KDIR VMLINUZ MODDIR, as in
#                        scripts/fetch-kernels.sh's env files; written last
#                        (the stamp: a cache entry without it is rebuilt)
# One build at a time (flock); a second run finds the env file and returns.
# Environment: SMTJ_CACHE, DEBUG_KERNEL_SRC (the source tarball), NICE
# (default 15: the build shares the machine) and JOBS (default 2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
fragment=$here/debug.config
tarball=${DEBUG_KERNEL_SRC:-/usr/src/linux-source-6.1.tar.xz}
cache=${SMTJ_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/smtj}/debug-kernel
nice=${NICE:-15}
jobs=${JOBS:-2}
base=allnoconfig

die() { echo "debug-kernel: $*" >&2; exit 1; }
say() { echo "debug-kernel: $*" >&2; }

# Tools of a kernel build that `make check` does not need.
need=
for t in flex:flex bison:bison bc:bc; do
	command -v "${t%%:*}" >/dev/null || need="$need ${t#*:}"
done
[ -f /usr/include/libelf.h ] || need="$need libelf-dev"
[ -f /usr/include/openssl/ssl.h ] || need="$need libssl-dev"
[ -f "$tarball" ] || need="$need linux-source-6.1"
if [ -n "$need" ]; then
	say "installing$need"
	SMTJ_EXTRA_PKGS="$need" "$top/scripts/install-deps.sh" >&2 ||
		die "could not install$need"
fi
[ -f "$tarball" ] || die "$tarball does not exist (linux-source-6.1)"

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1 2>/dev/null || stat -c %s.%Y "$tarball")
hash=$({ echo "$srcver $base"; gcc --version | head -n 1
	grep -E '^(CONFIG_|# CONFIG_.* is not set)' "$fragment"; } | sha256sum | cut -c1-16)
dir=$cache/$hash
mkdir -p "$dir"
exec 9>"$dir.lock"
flock -n 9 || { say "waiting for another build of $dir"; flock 9; }

if [ -f "$dir/env" ]; then
	echo "$dir/env"
	exit 0
fi

if [ ! -f "$dir/src/.unpacked" ]; then
	say "unpacking $tarball ($srcver)"
	rm -rf "$dir/src"
	mkdir -p "$dir/src"
	tar -xJf "$tarball" -C "$dir/src" --strip-components=1
	touch "$dir/src/.unpacked"
fi

kmake() { make -C "$dir/src" O="$dir/build" ARCH=x86_64 "$@"; }

# Configure: the base, the fragment, olddefconfig; then every line of the
# fragment must be in the result as written (a dependency that Kconfig
# resolved otherwise would silently drop a checker).  Once: a new .config
# would make the next build's make redo work.
configure() {
	mkdir -p "$dir/build"
	{ kmake -s "$base" &&
	  (cd "$dir/src" && ./scripts/kconfig/merge_config.sh -m -O "$dir/build" \
		"$dir/build/.config" "$fragment") &&
	  kmake -s olddefconfig; } >"$dir/config.log" 2>&1 ||
		{ cat "$dir/config.log" >&2; die "configuring failed"; }
	: >"$dir/config.check"
	while IFS= read -r line; do
		case "$line" in
		CONFIG_*=*)
			grep -qxF "$line" "$dir/build/.config" ||
				echo "wanted $line, got: $(grep -E "^(# )?${line%%=*}[= ]" "$dir/build/.config" || echo absent)" \
					>>"$dir/config.check"
			;;
		"# CONFIG_"*" is not set")
			sym=${line#\# }
			sym=${sym%% *}
			! grep -q "^$sym=" "$dir/build/.config" ||
				echo "wanted $line, got: $(grep "^$sym=" "$dir/build/.config")" >>"$dir/config.check"
			;;
		esac
	done <"$fragment"
	if [ -s "$dir/config.check" ]; then
		sed 's/^/debug-kernel: config: /' "$dir/config.check" >&2
		die "olddefconfig did not keep debug.config (see above)"
	fi
	touch "$dir/config.ok"
}
[ -f "$dir/config.ok" ] || configure

# A build that was killed (a session's end, a reboot) and then resumed
# once produced a kernel that linked but did not boot: no console output,
# QEMU gone in 2 s.  So a build that finds the marker of an unfinished one
# starts over from the configuration, and the result must boot (below).
if [ -f "$dir/building" ]; then
	say "the previous build of $dir was interrupted: building from scratch"
	rm -rf "$dir/build" "$dir/config.ok" "$dir/seconds"
	configure
fi
: >"$dir/building"
say "building in $dir/build (nice -n $nice, -j$jobs; log in $dir/build.log)"
start=$(date +%s)
rc=0
nice -n "$nice" make -C "$dir/src" O="$dir/build" ARCH=x86_64 -j"$jobs" \
	bzImage modules >"$dir/build.log" 2>&1 || rc=$?
# a failed or interrupted build, resumed, counts its earlier time too
seconds=$(($(date +%s) - start + $(cat "$dir/seconds" 2>/dev/null || echo 0)))
echo "$seconds" >"$dir/seconds"
if [ "$rc" -ne 0 ]; then
	tail -n 30 "$dir/build.log" >&2
	die "the build failed (log: $dir/build.log)"
fi
kver=$(cat "$dir/build/include/config/kernel.release")
rm -rf "$dir/root"
kmake -s INSTALL_MOD_PATH="$dir/root" modules_install >>"$dir/build.log" 2>&1 ||
	die "modules_install failed (log: $dir/build.log)"
mkdir -p "$dir/root/lib/modules/$kver"
ln -sfn build "$dir/linux-headers-$kver"
# The kernel must at least start: its banner on the serial console (it
# then panics for want of a root file system, which is expected here).
timeout 120 qemu-system-x86_64 -accel tcg -m 512 -nodefaults -display none \
	-no-reboot -serial "file:$dir/boot.log" -kernel "$dir/build/arch/x86/boot/bzImage" \
	-append "console=ttyS0 panic=-1 no_timer_check" </dev/null >/dev/null 2>&1
if ! grep -q "Linux version $kver" "$dir/boot.log"; then
	die "the kernel built in $dir does not boot (no banner on the console); delete $dir and run again"
fi
rm -f "$dir/building"
say "built $kver in $seconds s"

cat >"$dir/env.tmp" <<EOF
KVER=$kver
KARCH=x86_64
KDIR=$dir/linux-headers-$kver
VMLINUZ=$dir/build/arch/x86/boot/bzImage
MODDIR=$dir/root/lib/modules/$kver
BUILD_SECONDS=$seconds
EOF
mv "$dir/env.tmp" "$dir/env"
echo "$dir/env"
