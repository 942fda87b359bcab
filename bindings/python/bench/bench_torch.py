"""Rows/s of InterSHAP on a PyTorch model: raw device-resident forward, interplay.torch,
and interplay.intershap with the model as a numpy callable — same model, same rows.

The model is the InterSHAP paper's early-fusion FCNN (spec §5) on a 300-d concatenated
input (two modalities of 150): Linear(300, 150) → ReLU → Linear(150, 75) → ReLU →
Linear(75, 2), random weights. InterSHAP of N rows with B background rows evaluates
N·(2^M − 2)·B masked rows plus N + B unmasked ones; rows/s is that count over the wall
time of the whole call (row choice, Shapley values, scores and intervals included).
The raw forward runs the same number of rows in batches of the same size on tensors
already on the device.

Runs on the CPU always and on CUDA when available (or only on ``--device``). Builds
nothing; ``python bench_torch.py`` finishes in well under five minutes on two cores.
"""

from __future__ import annotations

import argparse
import sys
import time

import numpy as np
import torch

import interplay
import interplay.torch as it

DIMS = (150, 150)
CLASSES = 2


def fcnn(device) -> torch.nn.Module:
    """Early fusion: concat → Linear(D, D/2) → ReLU → Linear(D/2, D/4) → ReLU → Linear(D/4, C)."""
    d = sum(DIMS)
    torch.manual_seed(0)
    net = torch.nn.Sequential(
        torch.nn.Linear(d, d // 2),
        torch.nn.ReLU(),
        torch.nn.Linear(d // 2, d // 4),
        torch.nn.ReLU(),
        torch.nn.Linear(d // 4, CLASSES),
    )
    return net.to(device).eval()


def sync(device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def timed(device, f):
    """Wall seconds of ``f()``, after a device sync on both ends."""
    sync(device)
    t0 = time.perf_counter()
    out = f()
    sync(device)
    return time.perf_counter() - t0, out


def raw_forward(net, device, rows: int, batch: int) -> float:
    """Rows/s of the model alone on ``rows`` device-resident rows, in batches of ``batch``."""
    x = torch.randn(min(rows, batch), sum(DIMS), device=device)

    def run():
        with torch.inference_mode():
            done = 0
            while done < rows:
                k = min(batch, rows - done)
                net(x[:k])
                done += k

    run()  # warm-up (kernels, allocator)
    dt, _ = timed(device, run)
    return rows / dt


def bench(device, n: int, n_bg: int, batch: int, numpy_batch: int, bootstrap: int) -> None:
    net = fcnn(device)
    rng = np.random.default_rng(1)
    host = [rng.normal(size=(n, d)).astype(np.float32) for d in DIMS]
    xs = [torch.from_numpy(h).to(device) for h in host]
    rows = n * (2 ** len(DIMS) - 2) * n_bg + n + n_bg

    def numpy_model(z):
        with torch.inference_mode():
            return net(torch.from_numpy(z).to(device)).float().cpu().numpy()

    kw = dict(n_background=n_bg, concat=True, seed=0, bootstrap=bootstrap, returns="logits")
    # Warm-up on a few rows of each path.
    it.intershap(net, [x[:8] for x in xs], batch_size=batch, device=device, **{**kw, "n_background": 8})
    interplay.intershap(numpy_model, [h[:8] for h in host], batch_size=numpy_batch, **{**kw, "n_background": 8})

    raw = raw_forward(net, device, rows, batch)
    t_torch, r_torch = timed(device, lambda: it.intershap(net, xs, batch_size=batch, device=device, **kw))
    t_np, r_np = timed(device, lambda: interplay.intershap(numpy_model, host, batch_size=numpy_batch, **kw))
    assert r_torch.summary["model_rows"] == rows == r_np.summary["model_rows"]
    gap = float(np.abs(r_torch.phi - r_np.phi).max())
    name = torch.cuda.get_device_name(device) if device.type == "cuda" else f"cpu ({torch.get_num_threads()} threads)"
    print(f"{name}: N={n} B={n_bg} M={len(DIMS)} rows={rows} batch={batch} (numpy path {numpy_batch}) bootstrap={bootstrap}")
    print(f"  raw device-resident forward {raw / 1e6:9.3f} M rows/s")
    print(f"  interplay.torch             {rows / t_torch / 1e6:9.3f} M rows/s  ({rows / t_torch / raw:5.2f} x raw, {t_torch:.2f} s)")
    print(f"  numpy callable              {rows / t_np / 1e6:9.3f} M rows/s  ({rows / t_np / raw:5.2f} x raw, {t_np:.2f} s)")
    print(f"  max |Φ torch − Φ numpy|     {gap:.2e}; global {r_torch.global_percent:.3f} % vs {r_np.global_percent:.3f} %")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--device", help="cpu, cuda, cuda:1, …: only this device (default: cpu, and cuda when available)")
    p.add_argument("--n", type=int, default=1000, help="explained rows N (default 1000)")
    p.add_argument("--background", type=int, default=1000, help="background rows B (default 1000)")
    p.add_argument("--batch", type=int, help="rows per model call (default: 8192 on the CPU, 65536 elsewhere)")
    p.add_argument("--numpy-batch", type=int, default=8192, help="rows per call of the numpy path (default 8192)")
    p.add_argument("--bootstrap", type=int, default=1000, help="bootstrap replicates of the intervals (default 1000)")
    p.add_argument("--threads", type=int, help="torch CPU threads (default: torch's; 1 avoids OpenMP stalls on a busy machine)")
    a = p.parse_args()
    if a.threads:
        torch.set_num_threads(a.threads)
    devices = [torch.device(a.device)] if a.device else [torch.device("cpu")] + (
        [torch.device("cuda")] if torch.cuda.is_available() else []
    )
    if not a.device and not torch.cuda.is_available():
        print("no CUDA device: CPU figures only")
    for dev in devices:
        batch = a.batch or (it.CPU_BATCH if dev.type == "cpu" else 65536)
        bench(dev, a.n, a.background, batch, a.numpy_batch, a.bootstrap)
    return 0


if __name__ == "__main__":
    sys.exit(main())
