"""interplay.distributed on a local Ray cluster (a head and one worker node, each its own
raylet process, on this machine; ``ray.cluster_utils.Cluster`` shuts down only what it
started): InterSHAP in 4 shards equals the single-process result.

Ray is in the test requirements; without it this test fails (it is part of what
``make test`` checks) unless ``INTERPLAY_SKIP_RAY=1`` says to skip it.
"""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import interplay

SKIP = os.environ.get("INTERPLAY_SKIP_RAY") == "1"


def _ray():
    if SKIP:
        pytest.skip("INTERPLAY_SKIP_RAY=1")
    try:
        import ray  # noqa: PLC0415
    except ImportError:  # pragma: no cover - depends on the environment
        pytest.fail(
            "Ray is not installed in this environment (pip install -r "
            "bindings/python/requirements-test.txt); set INTERPLAY_SKIP_RAY=1 to skip"
        )
    return ray


@pytest.fixture(scope="module")
def cluster():
    ray = _ray()
    from ray.cluster_utils import Cluster  # noqa: PLC0415

    started = time.perf_counter()
    c = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False},
    )
    try:
        c.add_node(num_cpus=1)
        c.wait_for_nodes()
        ray.init(address=c.address, logging_level="warning", log_to_driver=False)
        print(f"ray cluster up in {time.perf_counter() - started:.1f} s")
        yield ray
    finally:
        ray.shutdown()
        c.shutdown()


def _model(dims, classes=3, seed=0):
    """A small MLP as a closure (pickled by value to the Ray workers)."""
    r = np.random.default_rng(seed)
    d = sum(dims)
    w1 = r.normal(0, 1.5 / np.sqrt(d), (d, 12)).astype(np.float32)
    w2 = r.normal(0, 1.0, (12, classes)).astype(np.float32)

    def f(xs):
        return np.maximum(np.concatenate(xs, axis=1) @ w1, 0.0) @ w2

    return f


def _assert_same(a, b):
    np.testing.assert_allclose(b.phi, a.phi, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.local, a.local, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.base_values, a.base_values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(b.predictions, a.predictions, rtol=0, atol=1e-12)
    assert abs(a.global_score - b.global_score) <= 1e-12
    ia, ib = a.global_interval, b.global_interval
    assert ia is not None and ib is not None
    assert abs(ia.lower - ib.lower) <= 1e-12 and abs(ia.upper - ib.upper) <= 1e-12
    for pa, pb in zip(a.summary["outputs"][0]["pairs"], b.summary["outputs"][0]["pairs"]):
        assert abs(pa["share"] - pb["share"]) <= 1e-12
    assert a.summary["accuracy"] == b.summary["accuracy"]
    assert a.summary["model_rows"] == b.summary["model_rows"]


def test_four_ray_shards_equal_one_process(cluster):
    from interplay import distributed  # noqa: PLC0415

    ray = cluster
    assert len([n for n in ray.nodes() if n["Alive"]]) == 2, "a head and a worker node"
    rng = np.random.default_rng(7)
    dims = (3, 2, 2)
    inputs = [rng.normal(size=(30, d)).astype(np.float32) for d in dims]
    background = [rng.normal(size=(12, d)).astype(np.float32) for d in dims]
    labels = rng.integers(0, 3, 30)
    model = _model(dims)
    kwargs = dict(background=background, seed=3, bootstrap=200, labels=labels,
                  modality_names=["a", "b", "c"])
    single = interplay.intershap(model, inputs, **kwargs)
    started = time.perf_counter()
    sharded = distributed.intershap(model, inputs, ray=True, num_shards=4, **kwargs)
    print(f"4 Ray shards in {time.perf_counter() - started:.2f} s")
    _assert_same(single, sharded)
    assert sharded.modality_names == ["a", "b", "c"]
    assert ray.is_initialized(), "an existing connection is left as it was"


def test_ray_shards_refuse_auto_background(cluster):
    from interplay import distributed  # noqa: PLC0415

    rng = np.random.default_rng(8)
    inputs = [rng.normal(size=(10, d)).astype(np.float32) for d in (2, 2)]
    with pytest.raises(Exception, match="auto"):
        distributed.intershap(_model((2, 2)), inputs, n_background="auto", num_shards=2)
    with pytest.raises(ValueError, match="num_shards"):
        distributed.intershap(_model((2, 2)), inputs, num_shards=0)


def _lsmi_rows(n, seed):
    """Two modalities that both see the label (the second noisier)."""
    r = np.random.default_rng(seed)
    y = r.integers(0, 3, n)
    x1 = (np.eye(3)[y] + r.normal(0, 0.6, (n, 3))).astype(np.float32)
    x2 = (np.eye(3)[y][:, :2] + r.normal(0, 0.9, (n, 2))).astype(np.float32)
    return x1, x2, y


def test_four_ray_shards_of_lsmi_scoring_equal_one_process(cluster):
    from interplay import distributed  # noqa: PLC0415

    ray = cluster
    assert len([n for n in ray.nodes() if n["Alive"]]) == 2, "a head and a worker node"
    models = interplay.lsmi_fit(*_lsmi_rows(240, 1), seed=2, epochs=4, knife_epochs=3)
    x1, x2, y = _lsmi_rows(61, 2)
    kwargs = dict(bootstrap=200, units="bits")
    single = models.score(x1, x2, y, **kwargs)
    started = time.perf_counter()
    sharded = distributed.lsmi(models, x1, x2, y, num_shards=4, **kwargs)
    print(f"4 Ray shards of LSMI scoring in {time.perf_counter() - started:.2f} s")
    for name in interplay._lsmi.PER_SAMPLE:
        np.testing.assert_array_equal(getattr(sharded, name), getattr(single, name))
    assert sharded.summary == single.summary
    assert sharded.atoms_interval == single.atoms_interval
    with pytest.raises(TypeError, match="LsmiModels"):
        distributed.lsmi("models.safetensors", x1, x2, y, num_shards=2)
    with pytest.raises(ValueError, match="shards"):
        distributed.lsmi(models, x1[:3], x2[:3], y[:3], num_shards=4)


def test_in_process_shards_equal_one_process_without_ray():
    """``ray=False`` runs the same shards and merge in this process (no cluster)."""
    from interplay import distributed  # noqa: PLC0415

    rng = np.random.default_rng(9)
    dims = (2, 3)
    inputs = [rng.normal(size=(17, d)).astype(np.float32) for d in dims]
    kwargs = dict(background=[rng.normal(size=(6, d)).astype(np.float32) for d in dims],
                  seed=1, bootstrap=100)
    single = interplay.intershap(_model(dims), inputs, **kwargs)
    for count in (1, 3, 7):
        sharded = distributed.intershap(_model(dims), inputs, ray=False, num_shards=count, **kwargs)
        _assert_same(single, sharded)
    models = interplay.lsmi_fit(*_lsmi_rows(150, 3), seed=1, epochs=3, knife_epochs=2)
    x1, x2, y = _lsmi_rows(23, 4)
    single = models.score(x1, x2, y, bootstrap=100)
    sharded = distributed.lsmi(models, x1, x2, y, ray=False, num_shards=7, bootstrap=100)
    np.testing.assert_array_equal(sharded.synergy, single.synergy)
    assert sharded.summary == single.summary
    with pytest.raises(ValueError, match="num_shards"):
        distributed.lsmi(models, x1, x2, y, ray=False, num_shards=0)
