"""InterSHAP and LSMI scoring on a Ray cluster: the rows are cut into shards, each
shard runs as one Ray task (on a GPU when ``num_gpus`` is given), and the library
merges the shards' partial results exactly into the result of a single run.

* :func:`intershap`: every per-row quantity depends only on its row, the background
  and the seed, and the only quantity summed over rows (each background row's
  influence, for the intervals) is kept as a mean with its row count; the merge puts
  the rows back in order and summarises them with the same code as a single run (see
  the Rust docs of ``interplay::intershap::partial``). Results equal
  :func:`interplay.intershap` with the same arguments to about 1e-16.
* :func:`lsmi`: models fitted once (:func:`interplay.lsmi_fit`) score shards of the
  rows; a row's PMIs and entropies depend only on the row and the models, and the
  dataset-level shift and the intervals are computed after the merge, so results
  equal ``models.score(...)`` bit for bit.

Ray is optional: ``pip install interplay[ray]``. A multi-node recipe is in the README.
"""

from __future__ import annotations

import contextlib
import os
from typing import Any, Dict, Iterator, List, Optional, Sequence, Union

from . import _interplay
from ._intershap import InterShapResult, ModelLike, _result_of, _run
from ._lsmi import LsmiModels, LsmiResult, _score_options
from ._lsmi import _result_of as _lsmi_result_of

__all__ = ["intershap", "lsmi"]


def _import_ray():
    try:
        import ray  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(
            "interplay.distributed needs Ray: pip install 'interplay[ray]' (or pip install ray)"
        ) from e
    return ray


def _shard_task(model: ModelLike, inputs: List[Any], background: Optional[List[Any]],
                options: Dict[str, Any], shard: tuple) -> bytes:
    """One Ray task: shard ``shard = (i, n)`` of the rows, as the library's partial (JSON)."""
    return bytes(_run(model, inputs, background=background, shard=shard, **options)["partial"])


@contextlib.contextmanager
def _connected(ray_address: Optional[str]) -> Iterator[Any]:
    """Ray, connected: to ``ray_address`` (or a new local Ray when ``None``) and
    disconnected at the end when not initialised yet; an existing connection as is."""
    ray = _import_ray()
    started = False
    if not ray.is_initialized():
        ray.init(address=ray_address, logging_level="warning", log_to_driver=False)
        started = True
    try:
        yield ray
    finally:
        if started:
            ray.shutdown()


def _shard_count(num_shards: Optional[int], available: int) -> int:
    """``num_shards`` checked, or ``available`` (the cluster's or machine's CPU count)."""
    if num_shards is None:
        num_shards = max(1, available)
    if isinstance(num_shards, bool) or not isinstance(num_shards, int) or num_shards < 1:
        raise ValueError(f"num_shards must be an integer of at least 1, got {num_shards!r}")
    return num_shards


def _run_shards(function: Any, shared: Sequence[Any], options: Dict[str, Any],
                num_shards: Optional[int], use_ray: bool, ray_address: Optional[str],
                num_cpus: float, num_gpus: Optional[float]) -> List[bytes]:
    """``function(*shared, options, (i, n))`` for every shard i of n: as Ray tasks
    asking for ``num_cpus``/``num_gpus`` (the shared arguments put in the object store
    once), or with ``use_ray=False`` one after the other in this process (the same
    shards and merge, without a cluster)."""
    if not use_ray:
        count = _shard_count(num_shards, os.cpu_count() or 1)
        return [function(*shared, options, (i, count)) for i in range(count)]
    with _connected(ray_address) as ray:
        count = _shard_count(num_shards, int(ray.cluster_resources().get("CPU", 1)))
        resources: Dict[str, Any] = {"num_cpus": num_cpus}
        if num_gpus is not None:
            resources["num_gpus"] = num_gpus
        task = ray.remote(**resources)(function)
        refs_in = [ray.put(v) for v in shared]
        return ray.get([task.remote(*refs_in, options, (i, count)) for i in range(count)])


def intershap(
    model: ModelLike,
    inputs: Sequence[Any],
    *,
    background: Optional[Sequence[Any]] = None,
    num_shards: Optional[int] = None,
    ray: bool = True,
    ray_address: Optional[str] = None,
    num_gpus: Optional[float] = None,
    num_cpus: float = 1,
    n_background: Union[int, str, None] = None,
    output: Union[str, int, None] = None,
    space: Optional[str] = None,
    concat: bool = False,
    batch_size: Optional[int] = None,
    seed: int = 0,
    returns: str = "auto",
    modality_names: Optional[Sequence[str]] = None,
    confidence: Optional[float] = None,
    bootstrap: Optional[int] = None,
    ci_target: Optional[float] = None,
    labels: Optional[Any] = None,
) -> InterShapResult:
    """:func:`interplay.intershap` with the rows explained by ``num_shards`` Ray tasks.

    The arguments shared with :func:`interplay.intershap` mean the same, and the result
    is the same (to about 1e-16), intervals included. ``n_background="auto"`` cannot be
    sharded (its size depends on the interval over all rows): give a number or ``"all"``.

    Parameters
    ----------
    model:
        A callable (pickled to the workers with Ray's cloudpickle, so a closure over a
        loaded network works), or a model file path that every node can read.
    num_shards:
        Number of Ray tasks (default: the cluster's CPU count); at most the number of
        explained rows. Each task evaluates the background once, the rest is its share
        of the rows.
    ray:
        ``True`` (default): run the shards as Ray tasks. ``False``: run the same shards
        one after the other in this process and merge them (no cluster, no Ray needed;
        for checking a sharded setup or debugging a model callable).
    ray_address:
        Address of a running cluster (``"auto"``, ``"127.0.0.1:6379"``,
        ``"ray://head:10001"``). When Ray is not initialised yet, this function connects
        (or starts a local Ray when ``None``) and disconnects at the end; an existing
        connection is used as is.
    num_gpus, num_cpus:
        Resources each task asks Ray for (``num_gpus`` makes them GPU tasks; the model
        callable is then responsible for putting its batches on the GPU).
    """
    names = None if modality_names is None else [str(n) for n in modality_names]
    options = dict(
        n_background=n_background,
        output=output,
        space=space,
        concat=concat,
        batch_size=batch_size,
        seed=seed,
        returns=returns,
        modality_names=names,
        confidence=confidence,
        bootstrap=bootstrap,
        ci_target=ci_target,
        labels=labels,
    )
    shared = (model, list(inputs), None if background is None else list(background))
    parts = _run_shards(_shard_task, shared, options, num_shards, ray, ray_address, num_cpus, num_gpus)
    return _result_of(_interplay.intershap_merge(parts, names))


def _lsmi_shard_task(models: LsmiModels, x1: Any, x2: Any, y: Any,
                     options: Dict[str, Any], shard: tuple) -> bytes:
    """One Ray task: shard ``shard = (i, n)`` of the rows, as the library's partial (JSON)."""
    raw = _interplay.lsmi_score(models._inner, x1, x2, y, shard=shard, **options)
    return bytes(raw["partial"])


def lsmi(
    models: LsmiModels,
    x1: Any,
    x2: Any,
    y: Any,
    *,
    num_shards: Optional[int] = None,
    ray: bool = True,
    ray_address: Optional[str] = None,
    num_gpus: Optional[float] = None,
    num_cpus: float = 1,
    adjust: bool = True,
    units: Optional[str] = None,
    confidence: Optional[float] = None,
    bootstrap: Optional[int] = None,
) -> LsmiResult:
    """``models.score(x1, x2, y, ...)`` with the rows scored by ``num_shards`` Ray tasks.

    ``models`` come from :func:`interplay.lsmi_fit` (or :meth:`LsmiModels.load`); they
    travel to the workers once, through Ray's object store, as their file's bytes.
    The result equals ``models.score`` with the same arguments bit for bit: the
    shards return each row's PMIs and entropies, and the shift and the intervals are
    computed over all rows after the merge.

    Parameters
    ----------
    num_shards:
        Number of Ray tasks (default: the cluster's CPU count); at most the number of
        rows.
    ray, ray_address, num_gpus, num_cpus:
        As in :func:`intershap`.
    adjust, units, confidence, bootstrap:
        As in :meth:`LsmiModels.score`.
    """
    if not isinstance(models, LsmiModels):
        raise TypeError(f"models must be interplay.LsmiModels (from lsmi_fit), got {type(models).__name__}")
    options = _score_options(adjust, units, confidence, bootstrap)
    parts = _run_shards(_lsmi_shard_task, (models, x1, x2, y), options, num_shards, ray,
                        ray_address, num_cpus, num_gpus)
    return _lsmi_result_of(_interplay.lsmi_merge(parts))
