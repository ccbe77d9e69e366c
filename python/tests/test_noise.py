# SPDX-License-Identifier: GPL-2.0-or-later
"""smtj.Noise: every libsmtj source gives libsmtj's own numbers (smtjcat
--noise, same spec and seed), fill/sample shapes, errors."""
import os
import subprocess

import numpy as np
import pytest

import smtj

SMTJCAT = os.path.join(os.environ.get("SMTJ_TOOLS", os.path.join(
    os.path.dirname(__file__), "..", "..", "build", "host", "utils")), "smtjcat", "smtjcat")

SPECS = ["gauss:sigma=1", "gauss:sigma=0.5,cond=std", "bernoulli:sigma=0.0125,h=1",
         "hmm", "hmm:serial", "junction", "junction:n=2,delta=10/12,cond=center"]


def smtjcat_values(spec, seed, n):
    out = subprocess.run([SMTJCAT, "--noise", spec, "--seed", str(seed), "-n", str(n),
                          "-f", "f32"], check=True, capture_output=True).stdout
    return np.frombuffer(out, dtype="<f4")


@pytest.mark.parametrize("spec", SPECS)
def test_same_numbers_as_libsmtj(spec):
    want = smtjcat_values(spec, 7, 5000)
    got = smtj.Noise(spec, 7).sample((5000, 1))
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got[:, 0], want)


def test_replay_same_numbers(tmp_path):
    rec = tmp_path / "rec.f32"
    np.linspace(-1, 1, 1000, dtype="<f4").tofile(rec)
    spec = f"replay:path={rec}"
    want = smtjcat_values(spec, 1, 1000)
    np.testing.assert_array_equal(smtj.Noise(spec, 1).sample((1000, 1))[:, 0], want)


def test_seed_changes_numbers():
    a = smtj.Noise("gauss", 1).sample(100)
    b = smtj.Noise("gauss", 2).sample(100)
    assert not np.array_equal(a, b)


@pytest.mark.parametrize("spec", SPECS + ["hmm:serial,arduino,window=16"])
def test_reseed_equals_fresh(spec):
    src = smtj.Noise(spec, 1)
    src.sample((30, 4), stream=2)
    src.reseed(9)
    assert src.consumed == 0
    got = src.sample((50, 3), stream=1)
    np.testing.assert_array_equal(got, smtj.Noise(spec, 9).sample((50, 3), stream=1))
    assert not np.array_equal(got, smtj.Noise(spec, 1).sample((50, 3), stream=1))
    assert src.consumed == 150


def test_reseed_closed_is_valueerror():
    src = smtj.Noise("gauss", 1)
    src.close()
    with pytest.raises(ValueError):
        src.reseed(2)


def test_fill_in_place_rows_are_time_steps():
    src = smtj.Noise("gauss:sigma=1", 3)
    a = np.zeros((4, 3), dtype=np.float32)
    assert src.fill(a) is a
    # two calls of 2 rows continue each node's sequence: same as one call of 4
    b = np.zeros((2, 3), dtype=np.float32)
    again = smtj.Noise("gauss:sigma=1", 3)
    top = again.fill(b).copy()
    bottom = again.fill(b).copy()
    np.testing.assert_array_equal(np.vstack([top, bottom]), a)
    assert again.consumed == 12


def test_streams_are_independent():
    src = smtj.Noise("gauss", 5)
    assert not np.array_equal(src.sample(64, stream=0), src.sample(64, stream=1))


def test_sample_shapes():
    src = smtj.Noise("gauss", 0)
    assert src.sample(10).shape == (10,)
    assert src.sample((2, 3, 4)).shape == (2, 3, 4)
    assert src.sample((0, 4)).shape == (0, 4)


def test_moments_and_description():
    src = smtj.Noise("gauss:sigma=2", 0)
    assert src.moments() == (0.0, 2.0)
    assert src.description.startswith("gauss:sigma=2")
    assert src.lost == 0


def test_fill_refuses_wrong_buffers():
    src = smtj.Noise("gauss", 0)
    with pytest.raises(TypeError):
        src.fill(np.zeros(4, dtype=np.float64))
    with pytest.raises((TypeError, BufferError, ValueError)):
        src.fill(np.zeros(4, dtype=np.float32)[::2])
    ro = np.zeros(4, dtype=np.float32)
    ro.flags.writeable = False
    with pytest.raises((TypeError, BufferError, ValueError)):
        src.fill(ro)


@pytest.mark.parametrize("spec", ["", "nosuch", "gauss:sigma=abc", "gauss:bogus=1",
                                  "gauss:sigma=1,cond=weird", "junction:n=99"])
def test_bad_spec_is_valueerror_with_message(spec):
    with pytest.raises(ValueError) as e:
        smtj.Noise(spec, 0)
    assert str(e.value)


def test_missing_replay_file_is_oserror(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        smtj.Noise(f"replay:path={tmp_path}/missing.f32", 0)
    assert "missing.f32" in str(e.value)


def test_closed_noise_refuses():
    with smtj.Noise("gauss", 0) as src:
        src.sample(3)
    with pytest.raises(ValueError):
        src.sample(3)
