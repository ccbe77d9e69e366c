#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""The smtj module against a live /dev/smtj0 (a simulated device), as root,
in the system test's VM (tests/system/guest.sh, python3-smtj installed):
every transport reads, the mmap batches are the ring's own pages, a batch
cannot be used after its release, a second thread runs while one waits
for samples, and unbinding the device raises OSError(ENODEV).  TAP on
stdout; needs only python3 and python3-numpy.

    vm_device.py [DEVICE_INDEX]
"""
import errno
import os
import sys
import threading
import time

import numpy as np

import smtj

SIM_DRIVER = "/sys/bus/platform/drivers/smtj-sim"
INDEX = int(sys.argv[1]) if len(sys.argv) > 1 else 0
PATH = f"/dev/smtj{INDEX}"
points = []


def point(name):
    """Decorator: run the function as one TAP test point."""
    def run(fn):
        try:
            fn()
            points.append((True, name, ""))
        except Exception as e:  # noqa: BLE001 - every failure is a not ok
            points.append((False, name, f"{type(e).__name__}: {e}"))
        ok, _, why = points[-1]
        print(f"{'ok' if ok else 'not ok'} {len(points)} - {name}", flush=True)
        if why:
            print(f"# {why}", flush=True)
        return fn
    return run


def check(cond, what):
    if not cond:
        raise AssertionError(what)


def mappings_of(path):
    """(start, end) of this process's mappings of @path."""
    spans = []
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 6 and parts[5] == path:
                lo, hi = (int(x, 16) for x in parts[0].split("-"))
                spans.append((lo, hi))
    return spans


@point("Device.info describes the device")
def _():
    with smtj.Device(INDEX) as dev:
        info = dev.info
        check(info["sample_storage_bits"] == 16, info)
        check(info["ring_samples"] > 0 and info["rate_hz"] > 0, info)
        check(dev.name == PATH, dev.name)


@point("read(n) gives n in-range samples with every transport")
def _():
    for tr in ("read", "uring", "mmap"):
        with smtj.Device(INDEX, transport=tr) as dev:
            bits = dev.info["sample_bits"]
            x = dev.read(10000)
            check(x.dtype == np.uint16 and x.shape == (10000,), (tr, x.dtype, x.shape))
            check(int(x.max()) < (1 << bits), (tr, int(x.max())))
            check(dev.transport == tr or dev.note, (tr, dev.transport, dev.note))


@point("an mmap batch is a read-only view of the ring's own pages")
def _():
    with smtj.Device(INDEX, transport="mmap") as dev:
        check(dev.transport == "mmap", dev.transport)
        b = dev.next_batch()
        a = b.array()
        check(len(b) > 0 and a.shape == (len(b),), len(b))
        check(not a.flags.writeable and memoryview(b).readonly, "writable view")
        addr = a.__array_interface__["data"][0]
        spans = mappings_of(PATH)
        check(any(lo <= addr and addr + a.nbytes <= hi for lo, hi in spans),
              f"view at {addr:#x} outside the device's mappings {spans}")
        del a
        b.release()


@point("a batch cannot be used after its release")
def _():
    with smtj.Device(INDEX, transport="mmap") as dev:
        b = dev.next_batch()
        view = np.asarray(b)
        try:
            dev.next_batch()
            raise AssertionError("next batch while a view is alive")
        except BufferError:
            pass
        check(not b.released, "refused release released the batch")
        del view
        b2 = dev.next_batch()          # releases b
        check(b.released and len(b) == 0, "old batch still usable")
        try:
            memoryview(b)
            raise AssertionError("view of a released batch")
        except ValueError:
            pass
        with b2:
            check(len(b2) > 0, "empty batch")
        check(b2.released, "with block did not release")


@point("a second thread runs while one waits for samples (GIL released)")
def _():
    with smtj.Device(INDEX, transport="read", batch=4096) as dev:
        rate = dev.info["rate_hz"]
        n = max(rate // 2, 4096)       # about half a second of samples
        inside = threading.Event()

        def reader():
            inside.set()
            dev.read(n)

        t = threading.Thread(target=reader)
        t.start()
        inside.wait()
        time.sleep(0.05)
        # this thread runs while the reader waits inside read(); its own
        # call finds the device busy
        try:
            dev.read(1)
            raise AssertionError("read(1) ran beside a read of half a second")
        except RuntimeError as e:
            check("another thread" in str(e), e)
        t.join()


@point("a device unbound while a thread waits raises OSError(ENODEV)")
def _():
    name = os.path.basename(os.readlink(f"/sys/class/smtj/smtj{INDEX}/device"))
    dev = smtj.Device(INDEX, transport="read")
    result = []

    def reader():
        try:
            while True:
                dev.read(1 << 20)
        except OSError as e:
            result.append(e)

    t = threading.Thread(target=reader)
    t.start()
    time.sleep(0.3)
    with open(f"{SIM_DRIVER}/unbind", "w") as f:
        f.write(name)
    t.join(5)
    try:
        check(not t.is_alive(), "reader still blocked after unbind")
        check(result and result[0].errno == errno.ENODEV, result)
        check(str(result[0]), "no message")
    finally:
        dev.close()
        with open(f"{SIM_DRIVER}/bind", "w") as f:
            f.write(name)
        for _ in range(200):
            if os.path.exists(PATH):
                break
            time.sleep(0.01)


@point("a device noise source gives the device's samples as noise")
def _():
    with smtj.Noise(f"device:path={PATH},transport=mmap", 0) as src:
        x = src.sample((1000, 4))
        check(np.isfinite(x).all() and x.std() > 0, x.std())


print(f"1..{len(points)}")
sys.exit(0 if all(ok for ok, _, _ in points) else 1)
