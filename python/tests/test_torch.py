# SPDX-License-Identifier: GPL-2.0-or-later
"""The PyTorch example's noise provider: libsmtj's numbers for the same
seed (smtjcat --noise), and node perturbation learning with it.  Skipped
without Debian's python3-torch."""
import os
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch", reason="python3-torch is not installed")

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples"))
import torch_node_perturbation as example  # noqa: E402
from test_noise import smtjcat_values  # noqa: E402


def test_provider_gives_libsmtj_numbers():
    provider = example.SmtjNoise("junction:cond=std", seed=11)
    t = provider((4000, 1))
    assert t.dtype == torch.float32 and t.shape == (4000, 1)
    np.testing.assert_array_equal(t[:, 0].numpy(), smtjcat_values("junction:cond=std", 11, 4000))


def test_node_perturbation_learns_on_smtj_noise():
    losses = example.train(example.SmtjNoise("gauss:sigma=0.01", seed=3), steps=300)
    # the teacher is linear and learnable: the loss must fall by far more
    # than its step-to-step spread
    assert np.mean(losses[-20:]) < 0.5 * np.mean(losses[:20])


def test_same_seed_same_training():
    a = example.train(example.SmtjNoise("hmm", seed=5), steps=20)
    b = example.train(example.SmtjNoise("hmm", seed=5), steps=20)
    assert a == b
