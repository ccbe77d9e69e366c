#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Values per second of libsmtj noise sources through the smtj Python
module (Noise.fill into one reused float32 array of BATCH x 1 values: one
node over time, the layout smtjcat asks for) against
smtjcat --noise writing the same values to /dev/null, in the same run;
best of REPEATS each.  JSON to OUT (or stdout).

    bench-noise.py SMTJCAT [OUT]
"""
import json
import os
import subprocess
import sys
import time

import numpy as np

import smtj

SPECS = ["gauss:sigma=1", "bernoulli:sigma=0.0125,h=1", "hmm", "junction"]
N = 1 << 23
BATCH = 1 << 16
REPEATS = 3


def python_rate(spec):
    best = 0.0
    buf = np.empty((BATCH, 1), dtype=np.float32)
    for r in range(REPEATS):
        src = smtj.Noise(spec, r)
        t = time.perf_counter()
        for _ in range(N // BATCH):
            src.fill(buf)
        best = max(best, N / (time.perf_counter() - t))
    return best


def smtjcat_rate(smtjcat, spec):
    best = 0.0
    for r in range(REPEATS):
        t = time.perf_counter()
        with open(os.devnull, "wb") as null:
            subprocess.run([smtjcat, "--noise", spec, "--seed", str(r), "-n", str(N),
                            "-f", "f32"], stdout=null, check=True)
        best = max(best, N / (time.perf_counter() - t))
    return best


def main():
    smtjcat = sys.argv[1]
    results = []
    for spec in SPECS:
        py, c = python_rate(spec), smtjcat_rate(smtjcat, spec)
        results.append({"spec": spec, "python_values_per_s": round(py),
                        "smtjcat_values_per_s": round(c), "ratio": round(py / c, 3)})
    doc = {"benchmark": "python-noise", "values": N, "batch": BATCH,
           "repeats": REPEATS, "baseline": "smtjcat --noise SPEC -f f32 >/dev/null",
           "results": results}
    text = json.dumps(doc, indent=2) + "\n"
    if len(sys.argv) > 2:
        with open(sys.argv[2], "w") as f:
            f.write(text)
    sys.stdout.write(text)


if __name__ == "__main__":
    main()
