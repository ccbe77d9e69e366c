#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Write the seed corpora of the libdanp fuzzers into $1/{idx,cifar,csv}:
# small valid files and a few near misses.
set -eu
D=$1
mkdir -p "$D/idx" "$D/cifar" "$D/csv" "$D/ckpt"
# IDX labels (selector 0) and images (selector 1): 3 labels / 3 images 2x2.
printf '\000\000\000\010\001\000\000\000\003\001\002\003' > "$D/idx/labels"
printf '\001\000\000\010\003\000\000\000\003\000\000\000\002\000\000\000\002abcdefghijkl' > "$D/idx/images"
printf '\001\000\000\010\003\000\000\000\003\000\000' > "$D/idx/short"
# CIFAR-10 record (selector 0) and CIFAR-100 record (selector 1).
{ printf '\000\003'; head -c 3072 /dev/zero; } > "$D/cifar/c10"
{ printf '\001\005\077'; head -c 3072 /dev/zero; } > "$D/cifar/c100"
printf 'label,a,b\n1,0.5,2\n0,-1,3e2\n' > "$D/csv/good"
printf '1,2,3\n1,2\n' > "$D/csv/cols"
# Checkpoints of a 2-3-2 DANP network, format 3 (4-byte floats) and the
# older format 2 (floats in 8-byte fields); the fuzzer fixes the CRC.
python3 - "$D/ckpt" <<'PY'
import struct, sys
u = lambda v: struct.pack('<Q', v)
for ver, fw in ((3, 4), (2, 8)):
    if fw == 4:
        f = lambda v: struct.pack('<f', v)
    else:
        f = lambda v: struct.pack('<Q', struct.unpack('<I', struct.pack('<f', v))[0])
    b = b'DANPCK0%d' % ver + u(2) + u(2) + u(3) + u(2) + f(0.01) + u(1) + u(1)
    b += u(0) + u(0)
    b += u(4) + u(0) + u(0) + u(0) + f(1e-3) + f(0.9) + f(0.999) + f(1e-8)
    b += f(1e-4) + u(0) + f(0) + f(1) + u(4) + u(3) + u(0) * 16
    b += b''.join(f(0.1 * i) for i in range(3 * 17 + 4 + 9)) + u(0)
    open('%s/danp-2-3-2-v%d' % (sys.argv[1], ver), 'wb').write(b)
PY
