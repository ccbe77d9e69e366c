#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Node perturbation in PyTorch with its noise from libsmtj.

A two-layer network learns a random linear teacher by node perturbation:
a clean forward pass, a pass with noise added to every node's
pre-activation, and the weight update

    dW = -lr * (L_noisy - L_clean) / sigma^2 * noise x^T

per layer (no backward pass).  The noise comes from a provider, a
callable taking a shape and giving a float32 tensor.  In code written for
torch.randn, the change to run on junction noise is the provider line:

    noise = lambda shape, layer: sigma * torch.randn(shape)         # before
    noise = SmtjNoise("gauss:sigma=0.01", seed=1)                   # model
    noise = SmtjNoise("device:path=/dev/smtj0,transport=mmap,cond=std,"
                      "alpha=0.01")                                 # device

SmtjNoise gives exactly libsmtj's numbers for the same spec and seed
(smtjcat --noise SPEC --seed N prints them).

    python3 torch_node_perturbation.py [SPEC] [SEED]
"""
import sys

import torch

import smtj


class SmtjNoise:
    """A noise provider for PyTorch code: SmtjNoise(spec, seed)(shape) is
    a float32 tensor of libsmtj noise, shape (..., nodes).  stream picks
    an independent stream per layer, as libsmtj's per-layer streams."""

    def __init__(self, spec, seed=0, stream=0):
        self.source = smtj.Noise(spec, seed)
        self.stream = stream

    def __call__(self, shape, stream=None):
        values = self.source.sample(tuple(shape),
                                    self.stream if stream is None else stream)
        return torch.from_numpy(values)      # shares the array's memory


def train(noise, steps=200, sigma=0.01, lr=0.05, seed=0, n_in=8, n_hidden=16,
          n_out=4, batch=32):
    """Node-perturbation training; returns the loss after each step.
    noise(shape, stream) gives the perturbation of layer `stream`; its
    scale is sigma (used to normalise the update)."""
    g = torch.Generator().manual_seed(seed)
    teacher = torch.randn(n_out, n_in, generator=g) / n_in ** 0.5
    w1 = torch.randn(n_hidden, n_in, generator=g) / n_in ** 0.5
    w2 = torch.randn(n_out, n_hidden, generator=g) / n_hidden ** 0.5
    losses = []
    for _ in range(steps):
        x = torch.randn(batch, n_in, generator=g)
        y = x @ teacher.T

        def forward(p1=None, p2=None):
            a1 = x @ w1.T + (0 if p1 is None else p1)
            h = torch.tanh(a1)
            out = h @ w2.T + (0 if p2 is None else p2)
            return h, ((out - y) ** 2).sum(dim=1) / 2

        h, clean = forward()
        p1 = noise((batch, n_hidden), 0)
        p2 = noise((batch, n_out), 1)
        h_noisy, noisy = forward(p1, p2)
        scale = (noisy - clean) / sigma ** 2 / batch          # per sample
        w1 -= lr * (scale[:, None] * p1).T @ x
        w2 -= lr * (scale[:, None] * p2).T @ h
        losses.append(float(clean.mean()))
    return losses


def main():
    spec = sys.argv[1] if len(sys.argv) > 1 else "gauss:sigma=0.01"
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    noise = SmtjNoise(spec, seed)
    losses = train(noise)
    print(f"{spec}: loss {losses[0]:.4f} -> {losses[-1]:.4f} in {len(losses)} steps")


if __name__ == "__main__":
    main()
