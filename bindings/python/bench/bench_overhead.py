"""Overhead of InterSHAP through a Python callable, against calling the callable directly.

InterSHAP on N = 2 000 samples with M = 2 modalities and B = 100 background rows evaluates
the model on N·(2^M − 2)·B = 400 000 masked rows (plus the B background rows of the base
value). The engine runs in Rust with the GIL released and calls the numpy model with
large batches; the cost that remains on top of the model's own time is the overhead.
The baseline calls the same numpy model on the same number of rows, in batches of the
same size, in the same process. Prints the ratio; the target is ≤ 1.5.
"""

from __future__ import annotations

import sys
import time

import numpy as np

import interplay

N, B, DIMS, HIDDEN, CLASSES = 2000, 100, (32, 32), 64, 2
BATCH = 65536
REPEATS = 3


def make_model(seed: int = 0):
    """An early-fusion MLP in numpy: concat → Linear → ReLU → Linear (logits)."""
    rng = np.random.default_rng(seed)
    d = sum(DIMS)
    w1 = rng.normal(0, 1 / np.sqrt(d), (d, HIDDEN)).astype(np.float32)
    b1 = rng.normal(0, 0.1, HIDDEN).astype(np.float32)
    w2 = rng.normal(0, 1 / np.sqrt(HIDDEN), (HIDDEN, CLASSES)).astype(np.float32)
    b2 = np.zeros(CLASSES, np.float32)

    def model(xs):
        x = np.concatenate(xs, axis=1)
        return np.maximum(x @ w1 + b1, 0.0) @ w2 + b2

    return model


def best_of(f) -> float:
    times = []
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> int:
    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=(N, d)).astype(np.float32) for d in DIMS]
    model = make_model()
    rows = N * (2 ** len(DIMS) - 2) * B + B
    direct_inputs = [rng.normal(size=(rows, d)).astype(np.float32) for d in DIMS]

    def direct():
        for start in range(0, rows, BATCH):
            model([x[start : start + BATCH] for x in direct_inputs])

    def through_interplay():
        interplay.intershap(model, inputs, n_background=B, batch_size=BATCH, seed=0, returns="logits")

    t_direct = best_of(direct)
    t_interplay = best_of(through_interplay)
    ratio = t_interplay / t_direct
    print(f"intershap overhead: N={N} M={len(DIMS)} B={B} rows={rows} batch={BATCH}")
    print(f"  numpy model alone   {t_direct * 1e3:9.1f} ms")
    print(f"  through interplay   {t_interplay * 1e3:9.1f} ms")
    print(f"  ratio               {ratio:9.2f}x  (target <= 1.5x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
