# SPDX-License-Identifier: GPL-2.0-or-later
"""A short fuzz of the noise-spec parser through Python: mutated specs
(fixed seed) give a Noise or ValueError/OSError with a message, never a
crash or another exception; the accepted ones produce finite numbers."""
import random

import numpy as np

import smtj

SEEDS = ["gauss:sigma=1", "bernoulli:sigma=0.0125,h=1", "hmm", "hmm:serial",
         "junction:n=2,delta=10/12,i=0.1", "gauss:sigma=1,cond=std,alpha=0.5",
         "junction:tau0=1e-9,eb=10", "bernoulli:h=1,cond=binary,arduino,window=4"]
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789=,:./-+eE_ \t\x7f\xff"


def mutate(rng, s):
    s = list(s)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(4)
        i = rng.randrange(len(s) + 1)
        if op == 0 and s:
            del s[min(i, len(s) - 1)]
        elif op == 1:
            s.insert(i, rng.choice(ALPHABET))
        elif op == 2 and s:
            s[min(i, len(s) - 1)] = rng.choice(ALPHABET)
        else:
            s[i:i] = list(rng.choice(SEEDS))[:rng.randrange(12)]
    return "".join(s)


def test_spec_fuzz():
    rng = random.Random(16)
    accepted = refused = 0
    for _ in range(3000):
        spec = mutate(rng, rng.choice(SEEDS))
        try:
            src = smtj.Noise(spec, rng.randrange(2**64))
        except ValueError as e:
            assert str(e), spec
            refused += 1
            continue
        except OSError as e:          # e.g. a device or replay path
            assert e.errno and str(e), spec
            refused += 1
            continue
        x = src.sample((3, 5))
        assert np.isfinite(x).all(), spec
        accepted += 1
    # both sides of the parser were exercised
    assert accepted > 50 and refused > 500, (accepted, refused)
