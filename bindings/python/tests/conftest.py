"""Shared fixtures: small deterministic data and a numpy re-implementation of a fusion MLP."""

from __future__ import annotations

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
