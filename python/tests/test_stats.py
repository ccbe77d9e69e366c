# SPDX-License-Identifier: GPL-2.0-or-later
"""smtj.stats against values computed independently with numpy on data
whose answer is known by construction."""
import numpy as np
import pytest

import smtj
from smtj import stats


def two_state(n_runs=400, seed=1):
    """A two-level series with known run lengths (state 0 at 1.0, 1 at 2.0)."""
    rng = np.random.default_rng(seed)
    lens = rng.integers(1, 40, size=n_runs)
    states = np.arange(n_runs) % 2
    x = np.repeat(1.0 + states, lens).astype(np.float32)
    return x, lens, states


def test_hist_matches_numpy():
    x = np.random.default_rng(2).normal(size=10000).astype(np.float32)
    h = stats.hist(x, bins=20, lo=-2, hi=2)
    want, _ = np.histogram(x[(x >= -2) & (x < 2)], bins=20, range=(-2, 2))
    np.testing.assert_array_equal(h["counts"], want)
    assert h["below"] == np.count_nonzero(x < -2)
    assert h["above"] == np.count_nonzero(x >= 2)


def test_levels_of_two_state_series():
    x, lens, states = two_state()
    lv = stats.levels(x)
    assert lv["level"] == pytest.approx([1.0, 2.0], abs=1e-6)
    assert lv["weight"][0] == pytest.approx(lens[states == 0].sum() / lens.sum())


def test_dwell_run_lengths_exact():
    x, lens, states = two_state()
    d = stats.dwell(x, 1.5)
    inner = slice(1, -1)            # censored first and last runs dropped
    for s in (0, 1):
        want = lens[inner][states[inner] == s]
        np.testing.assert_array_equal(np.sort(d["lengths"][s]), np.sort(want))
        assert d["mean"][s] == pytest.approx(want.mean())
        assert d["count"][s] == len(want)


def test_acf_matches_definition():
    rng = np.random.default_rng(3)
    e = rng.normal(size=20000)
    x = np.empty_like(e)
    x[0] = e[0]
    for i in range(1, len(e)):       # AR(1), phi = 0.6
        x[i] = 0.6 * x[i - 1] + e[i]
    x = x.astype(np.float32)
    xc = x.astype(np.float64) - x.mean()
    want = [1.0] + [np.dot(xc[:-k], xc[k:]) / np.dot(xc, xc) for k in range(1, 6)]
    for method in ("direct", "fft", "auto"):
        np.testing.assert_allclose(stats.acf(x, 5, method=method), want, atol=1e-6)


def test_acf_bad_method():
    with pytest.raises(ValueError):
        stats.acf([1.0, 2.0, 3.0], 1, method="nope")


def test_entropy_estimate_mcv_of_constant_data():
    est = stats.entropy_estimate(np.zeros(1000, dtype=np.uint8), "mcv")
    assert est["h"] == 0.0


def test_entropy_of_uniform_bytes_near_8_bits():
    s = np.random.default_rng(4).integers(0, 256, size=200000, dtype=np.uint8)
    est = stats.entropy_estimate(s, "mcv")
    # MCV's bound: p_u = p^ + 2.576 sqrt(p^(1-p^)/(n-1)), p^ ~ max count / n
    assert 7.0 < est["h"] <= 8.0


def test_entropy_assess_binary():
    s = np.random.default_rng(5).integers(0, 2, size=100000, dtype=np.uint8)
    a = stats.entropy_assess(s, 1)
    assert a["binary"] and a["k"] == 2 and a["width"] == 1
    assert set(a["original"]) <= set(stats.ESTIMATORS)
    # binary data: h is the minimum of the ten estimates (section 3.1.3)
    table = a["bitstring"] or a["original"]
    assert len(table) == 10
    assert a["h"] == pytest.approx(min(table.values()))
    assert 0 < a["h"] <= 1.0


def test_mcv_follows_the_standard():
    # 6.3.1: p_u = min(1, p^ + 2.576 sqrt(p^ (1 - p^) / (n - 1))), h = -log2(p_u)
    s = (np.random.default_rng(6).random(50000) < 0.9).astype(np.uint8)
    n = len(s)
    p = np.bincount(s).max() / n
    pu = min(1.0, p + 2.576 * np.sqrt(p * (1 - p) / (n - 1)))
    assert stats.entropy_estimate(s, "mcv")["h"] == pytest.approx(-np.log2(pu), rel=1e-12)


def test_entropy_errors_are_valueerror():
    with pytest.raises(ValueError):
        stats.entropy_estimate(np.zeros(10, dtype=np.uint8), "nosuch")
    with pytest.raises(ValueError):
        stats.entropy_assess(np.full(100, 9, dtype=np.uint8), 2)   # 9 >= 2^2
    with pytest.raises(ValueError):
        stats.entropy_assess(np.zeros(0, dtype=np.uint8), 1)


def test_symbolize_bit_mode():
    codes = np.arange(16, dtype=np.float32)
    sym, width = stats.symbolize(codes, "bit=1")
    assert width == 1
    np.testing.assert_array_equal(sym, (np.arange(16) >> 1) & 1)
    with pytest.raises(ValueError):
        stats.symbolize(codes, "bit=99")


def test_stats_accept_noise_output():
    x = smtj.Noise("junction", 9).sample(50000)
    assert len(stats.levels(x)["level"]) == 2
