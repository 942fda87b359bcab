"""Shared fixtures: small deterministic data and a numpy re-implementation of a fusion MLP."""

from __future__ import annotations

import itertools
import math
import os

import numpy as np
import pytest

os.environ.setdefault("MPLBACKEND", "Agg")

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


class NumpyMlp:
    """concat → Linear → ReLU → Linear, returning logits: the same maths as the ONNX graph
    built by :func:`mlp_onnx`, so the two must give the same InterSHAP."""

    def __init__(self, dims, hidden=16, classes=3, seed=0):
        r = np.random.default_rng(seed)
        d = sum(dims)
        self.dims = list(dims)
        self.w1 = r.normal(0, 1.5 / np.sqrt(d), (d, hidden)).astype(np.float32)
        self.b1 = r.normal(0, 0.2, hidden).astype(np.float32)
        self.w2 = r.normal(0, 1.5 / np.sqrt(hidden), (hidden, classes)).astype(np.float32)
        self.b2 = r.normal(0, 0.2, classes).astype(np.float32)
        self.calls = 0
        self.rows = 0

    def __call__(self, xs):
        x = np.concatenate(xs, axis=1) if isinstance(xs, (list, tuple)) else xs
        self.calls += 1
        self.rows += x.shape[0]
        return np.maximum(x @ self.w1 + self.b1, 0.0) @ self.w2 + self.b2


@pytest.fixture
def mlp():
    return NumpyMlp([3, 4])


def exact_intershap(model, xs, background, classes=None):
    """Φ of every sample by brute force over the 2^M coalitions: v(S) is the mean over
    every background row of the softmax probability of the explained class (``classes``,
    one per sample; default the class predicted on the full input). ``model`` is a numpy
    callable of a list of modality arrays returning logits."""
    m, n = len(xs), len(xs[0])
    if classes is None:
        classes = model(xs).argmax(axis=1)

    def value(mask):
        total = np.zeros(n)
        for b in range(len(background[0])):
            batch = [x if mask[k] else np.repeat(background[k][b : b + 1], n, axis=0) for k, x in enumerate(xs)]
            z = np.asarray(model(batch), dtype=np.float64)
            p = np.exp(z - z.max(axis=1, keepdims=True))
            p /= p.sum(axis=1, keepdims=True)
            total += p[np.arange(n), classes]
        return total / len(background[0])

    v = {mask: value(mask) for mask in itertools.product([False, True], repeat=m)}

    def with_(mask, *ks):
        return tuple(mask[k] or k in ks for k in range(m))

    phi = np.zeros((n, m, m))
    for i in range(m):
        for mask in v:
            if mask[i]:
                continue
            s = sum(mask)
            w = math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m)
            phi[:, i, i] += w * (v[with_(mask, i)] - v[mask])
    for i, j in itertools.combinations(range(m), 2):
        sii = np.zeros(n)
        for mask in v:
            if mask[i] or mask[j]:
                continue
            s = sum(mask)
            w = math.factorial(s) * math.factorial(m - s - 2) / math.factorial(m - 1)
            sii += w * (v[with_(mask, i, j)] - v[with_(mask, i)] - v[with_(mask, j)] + v[mask])
        phi[:, i, j] = phi[:, j, i] = sii / 2
    for i in range(m):
        phi[:, i, i] -= sum(phi[:, i, j] for j in range(m) if j != i)
    return phi
