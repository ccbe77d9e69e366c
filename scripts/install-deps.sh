#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Install what `make check` needs on a Debian 12 machine.  Idempotent: only
# packages that are missing are installed, and apt's index is refreshed only
# when something is missing.  Kernel image and headers are installed in the
# same apt run so their versions match (Documentation/dev-tools/testing.rst).
set -eu

PKGS="make gcc libc6-dev pkg-config perl python3 cpio gzip
busybox-static qemu-system-x86 sparse dwarves
linux-headers-amd64 linux-image-amd64 linux-source-6.1
flex bison bc libelf-dev libssl-dev
liburing-dev libopenblas-dev libfftw3-dev zlib1g-dev
clang libclang-rt-14-dev
rng-tools5 device-tree-compiler dt-schema
gcc-aarch64-linux-gnu libc6-dev-arm64-cross qemu-system-arm qemu-user-static
gcc-12-multilib
xz-utils zstd python3-docutils groff-base mmdebstrap e2fsprogs
python3-dev python3-numpy python3-pytest python3-torch
nodejs npm
debhelper dh-dkms dh-python dpkg-dev lintian
parallel slurm-wlm munge gnuplot-nox"

# flex, bison, bc, libelf-dev, libssl-dev: the in-tree check configures and
# builds linux-source-6.1 (kconfig's parser, timeconst.bc, objtool, certs);
# check-fresh found them missing on a new root (flex: not found).
# parallel, slurm-wlm and munge: the smtj-sweep test runs a sweep on both
# (its own munged/slurmctld/slurmd on a socket and ports of its own, so
# services the packages may start are not used); gnuplot-nox: make demo's
# learning curve and make figures' PNGs (whose fig3 and fig4 run on parallel).
# python3-dev, python3-numpy, python3-pytest, python3-torch: the smtj
# Python module and its tests, the PyTorch example's among them
# (python3-torch without recommends: 48 MB to download here, 168 packages).
[ -n "${SMTJ_EXTRA_PKGS:-}" ] && PKGS="$PKGS $SMTJ_EXTRA_PKGS"

SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# gcc-12-multilib (gcc -m32, the 32-bit ABI selftest), not gcc-multilib:
# that one conflicts with gcc-aarch64-linux-gnu and apt would remove the
# cross compiler.  tests/selftests/selftests.mk supplies <asm/> for -m32.

# arm64 packages are downloaded and unpacked (never installed) for the
# arm64 VM and the cross tests: apt needs the architecture in its index.
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
	$SUDO dpkg --add-architecture arm64
	$SUDO apt-get update -qq
fi

missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case "$st" in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done

# npm may be provided outside dpkg (nodesource, nvm): accept that.
if command -v npm >/dev/null 2>&1; then
	missing=$(echo "$missing" | tr ' ' '\n' | grep -vx -e npm -e nodejs | tr '\n' ' ')
fi
missing=$(echo $missing)
[ -z "$missing" ] && exit 0

# A healthy package database: install without removing anything (a
# package that conflicts with one of the machine's stops the run, with
# apt's reason).  A broken one (unmet dependencies left by an earlier,
# interrupted or foreign-architecture install: apt then refuses every
# install) is repaired by apt in the same run (-f); that may remove the
# half-installed packages (apt's history.log lists them).
mode=--no-remove
if ! apt-get check -qq >/dev/null 2>&1; then
	echo "install-deps: the package database has unmet dependencies; apt repairs them (-f):" >&2
	apt-get check 2>&1 | sed -n 's/^ /install-deps:   /p' >&2
	mode=--fix-broken
fi

echo "install-deps: installing $missing"
$SUDO apt-get -o DPkg::Lock::Timeout=900 update -qq
# shellcheck disable=SC2086
if ! $SUDO apt-get -o DPkg::Lock::Timeout=900 install -y -qq \
	--no-install-recommends $mode $missing >"${TMPDIR:-/tmp}/install-deps.$$.log" 2>&1; then
	grep -v '^\(Selecting\|Preparing\|Unpacking\|Setting up\|Processing\)' \
		"${TMPDIR:-/tmp}/install-deps.$$.log" | tail -30 >&2
	rm -f "${TMPDIR:-/tmp}/install-deps.$$.log"
	echo "install-deps: apt could not install: $missing" >&2
	exit 1
fi
rm -f "${TMPDIR:-/tmp}/install-deps.$$.log"
