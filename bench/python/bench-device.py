#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Samples per second from a live device through the smtj Python module
against libsmtj's own tool, smtjcat writing to /dev/null, in the same VM
run (bench/python/vm-guest.sh sets the device up: simulated, unthrottled,
pattern mode, 4 Mi-sample rings).

Consumers, each streaming N samples at batch sizes BATCHES:
 - smtjcat-mmap: smtjcat -t mmap -b B -n N >/dev/null (libsmtj's rate);
 - python-mmap: Device(transport="mmap", batch=B), iterating: each batch
   becomes a zero-copy NumPy array (numpy.asarray(batch), the ring's own
   pages) whose length is counted, then is released by the next batch;
 - python-mmap-sum: the same plus numpy's sum of the array (reads every
   sample once, which smtjcat does not: write() to /dev/null reads
   nothing);
 - smtjcat-read, python-read: the same two with transport "read" (each
   batch copied out of the ring by read()).
ROUNDS rounds; in each, every batch size in turn, and at each size the
consumers back to back, so that the ratios of a round compare runs
seconds apart (the host's load changes over seconds).  Each figure is the
median round; each ratio the median of the rounds' ratios.

smtjcat's time is its process's wall time less the median time of
"smtjcat --help" (fork, exec and dynamic linking: what a Python loop does
not pay); the Python time runs from Device() to close(), as smtjcat's
includes opening the device and mapping its ring.  The producer kthread
runs on CPU 0, the consumers on CPU 1.  samples_lost adds up each
consumer's losses over its runs (0 expected: the unthrottled simulator
waits for room in the ring).  One JSON object on stdout.

    bench-device.py [DEVICE]     DEVICE: index or path (default 0)

Environment: BENCH_SAMPLES (N, default 2^27), BENCH_ROUNDS (default 5),
BENCH_CONSUMERS (a comma-separated subset, for a quick look elsewhere).
"""
import json
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np

import smtj

DEVICE = sys.argv[1] if len(sys.argv) > 1 else "0"
BATCHES = [4096, 65536, 1 << 20]
N = int(os.environ.get("BENCH_SAMPLES", str(1 << 27)))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
CONSUMERS = os.environ.get("BENCH_CONSUMERS", "smtjcat-mmap,python-mmap,python-mmap-sum,"
                           "smtjcat-read,python-read").split(",")
RATIOS = {"python-mmap/smtjcat-mmap": ("python-mmap", "smtjcat-mmap"),
          "python-mmap-sum/smtjcat-mmap": ("python-mmap-sum", "smtjcat-mmap"),
          "python-read/smtjcat-read": ("python-read", "smtjcat-read")}


def producer_pid():
    """The simulator's kthread, smtj-sim/N (0: not found)."""
    if not DEVICE.isdigit():
        return 0
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                with open(f"/proc/{pid}/comm") as f:
                    if f.read().strip() == f"smtj-sim/{DEVICE}":
                        return int(pid)
            except OSError:
                pass
    return 0


def pin():
    """Producer on CPU 0, this process (and smtjcat) on CPU 1."""
    pid = producer_pid()
    if pid and os.cpu_count() >= 2:
        os.sched_setaffinity(pid, {0})
        os.sched_setaffinity(0, {1})
        return True
    return False


def spawn_seconds():
    """Median wall time of starting smtjcat and having it exit at once."""
    times = []
    for _ in range(5):
        t = time.perf_counter()
        subprocess.run(["smtjcat", "--help"], stdout=subprocess.DEVNULL, check=True)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def run_smtjcat(transport, batch, spawn):
    """smtjcat says "W samples written, L lost" on stderr if it lost any."""
    t = time.perf_counter()
    p = subprocess.run(["smtjcat", "-d", DEVICE, "-t", transport, "-b", str(batch),
                        "-n", str(N)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                       check=True, text=True)
    seconds = time.perf_counter() - t - spawn
    sys.stderr.write(p.stderr)
    m = re.search(r"samples written, (\d+) lost", p.stderr)
    return {"seconds": seconds, "samples": N, "lost": int(m.group(1)) if m else 0}


def run_python(transport, batch, work):
    """Batches until N samples; the last batch counts whole."""
    got = batches = 0
    acc = 0
    t = time.perf_counter()
    with smtj.Device(int(DEVICE) if DEVICE.isdigit() else DEVICE, transport=transport, batch=batch) as dev:
        if work:
            for b in dev:
                a = np.asarray(b)
                got += len(a)
                acc += int(a.sum())
                del a
                batches += 1
                if got >= N:
                    break
        else:
            for b in dev:
                got += len(np.asarray(b))
                batches += 1
                if got >= N:
                    break
        lost = dev.lost
    seconds = time.perf_counter() - t
    return {"seconds": seconds, "samples": got, "batches": batches, "lost": lost}


def run(consumer, batch, spawn):
    if consumer == "smtjcat-mmap":
        return run_smtjcat("mmap", batch, spawn)
    if consumer == "smtjcat-read":
        return run_smtjcat("read", batch, spawn)
    if consumer == "python-read":
        return run_python("read", batch, False)
    return run_python("mmap", batch, consumer == "python-mmap-sum")


def main():
    pinned = pin()
    spawn = spawn_seconds()
    rounds = {b: {c: [] for c in CONSUMERS} for b in BATCHES}
    per_batch = {b: {c: [] for c in CONSUMERS} for b in BATCHES}
    lost = {c: 0 for c in CONSUMERS}
    for _ in range(ROUNDS):
        for b in BATCHES:
            for c in CONSUMERS:
                r = run(c, b, spawn)
                rounds[b][c].append(r["samples"] / r["seconds"])
                lost[c] += r["lost"]
                if "batches" in r:
                    per_batch[b][c].append(r["samples"] / r["batches"])
    results = []
    for b in BATCHES:
        sps = {c: round(statistics.median(rounds[b][c])) for c in CONSUMERS}
        ratios = {name: round(statistics.median(x / y for x, y in
                                                zip(rounds[b][num], rounds[b][den])), 3)
                  for name, (num, den) in RATIOS.items()
                  if num in CONSUMERS and den in CONSUMERS}
        results.append({
            "batch": b,
            "samples_per_s": sps,
            "ratios": ratios,
            "python_samples_per_batch": {c: round(statistics.median(v))
                                         for c, v in per_batch[b].items() if v},
            "rounds_samples_per_s": {c: [round(x) for x in v]
                                     for c, v in rounds[b].items()},
        })
    at64 = next(r for r in results if r["batch"] == 65536)["ratios"].get(
        "python-mmap/smtjcat-mmap")
    doc = {
        "samples_per_run": N,
        "rounds": ROUNDS,
        "pinned": pinned,
        "vcpus": os.cpu_count(),
        "smtjcat_spawn_seconds": round(spawn, 6),
        "versions": {"python": sys.version.split()[0], "numpy": np.__version__},
        "samples_lost": lost,
        "goal_at_64Ki": {"python-mmap/smtjcat-mmap": at64, "goal": 0.8,
                         "met": at64 is not None and at64 >= 0.8},
        "results": results,
    }
    print(json.dumps(doc))


if __name__ == "__main__":
    main()
