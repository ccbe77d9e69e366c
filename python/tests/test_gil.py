# SPDX-License-Identifier: GPL-2.0-or-later
"""The GIL is released while libsmtj works: another Python thread runs
(and finds the object busy) while one thread is inside a call.  The
waits on a device are tested the same way in test_vm_device.py."""
import threading

import numpy as np
import smtj


def runs_beside(work, probe):
    """Run work() in a thread; from this thread call probe() until it
    raises RuntimeError (the object is busy: we ran while the other thread
    was inside the C call) or work is done.  True when we saw it busy."""
    done = threading.Event()

    def worker():
        try:
            work()
        finally:
            done.set()

    t = threading.Thread(target=worker)
    t.start()
    seen = False
    while not done.is_set() and not seen:
        try:
            probe()
        except RuntimeError as e:
            assert "in use by another thread" in str(e)
            seen = True
    t.join()
    return seen


def test_second_thread_runs_during_noise_fill():
    src = smtj.Noise("gauss", 1)
    big = np.empty(2_000_000, dtype=np.float32)

    def work():
        for _ in range(10):
            src.fill(big)

    # moments() refuses a busy source and never makes it busy itself
    assert runs_beside(work, src.moments)
