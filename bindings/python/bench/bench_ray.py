"""Speed-up of InterSHAP on 2 local Ray workers against 1 (interplay.distributed).

The model runs a fixed pure-Python loop per batch (about SPIN seconds of CPU; threads
that share the GIL take turns, so one process runs these loops one at a time) (a stand-in for a model
whose evaluation dominates: a big network on one device per worker), so one process
cannot overlap its calls and the work spreads only across worker processes. InterSHAP
on N = 128 rows, M = 2 modalities and B = 32 background rows evaluates
N·(2^M − 2)·B = 8 192 masked rows in batches of 256: 32 model calls, plus one pass
over the explained rows and one over the background per shard. The Ray cluster (one
head with 2 CPUs, on this machine) is started once; both runs use it, with 1 shard
and with 2. Prints the ratio (ideal 2; no pass/fail). Run: `make bench` or
`.venv/bin/python bindings/python/bench/bench_ray.py`.
"""

from __future__ import annotations

import time

import numpy as np

N, B, DIMS, BATCH, SPIN = 128, 32, (8, 8), 256, 0.04


def loop_count() -> int:
    """Iterations of an empty Python loop that take about SPIN seconds here."""
    t = time.perf_counter()
    for _ in range(1_000_000):
        pass
    return int(1_000_000 * SPIN / (time.perf_counter() - t))


def make_model():
    rng = np.random.default_rng(0)
    w = rng.normal(0, 0.5, (sum(DIMS), 2)).astype(np.float32)
    iterations = loop_count()

    def model(xs):
        for _ in range(iterations):  # CPU work under the GIL
            pass
        return np.concatenate(xs, axis=1) @ w

    return model


def main() -> None:
    import ray
    from ray.cluster_utils import Cluster

    from interplay import distributed

    rng = np.random.default_rng(1)
    inputs = [rng.normal(size=(N, d)).astype(np.float32) for d in DIMS]
    background = [rng.normal(size=(B, d)).astype(np.float32) for d in DIMS]
    cluster = Cluster(initialize_head=True, head_node_args={"num_cpus": 2, "include_dashboard": False})
    try:
        ray.init(address=cluster.address, logging_level="warning", log_to_driver=False)
        model = make_model()
        kwargs = dict(background=background, batch_size=BATCH, bootstrap=200, seed=0)
        # Warm-up: starts the worker processes and imports interplay in them.
        distributed.intershap(model, inputs, num_shards=2, **kwargs)
        times = {}
        for shards in (1, 2):
            best = float("inf")
            for _ in range(2):
                t = time.perf_counter()
                result = distributed.intershap(model, inputs, num_shards=shards, **kwargs)
                best = min(best, time.perf_counter() - t)
            times[shards] = best
            print(f"{shards} Ray worker(s): {best:.2f} s  (global InterSHAP {result.global_percent:.2f} %)")
        print(f"speed-up of 2 workers over 1: {times[1] / times[2]:.2f}x (ideal 2)")
    finally:
        ray.shutdown()
        cluster.shutdown()


if __name__ == "__main__":
    main()
