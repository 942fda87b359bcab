"""InterSHAP of a PyTorch model on its own device (GPU or CPU).

:func:`interplay.intershap` calls a Python model with numpy batches: every masked
row is built on the host and copied to the device and back. For a fusion head on
precomputed embeddings the copies cost far more than the model. Here the inputs
and the background stay on the device; the masked rows of every coalition are
built there (one broadcast device copy per modality and coalition, of the
explained rows or of the background rows; measured 15× faster on the CPU than
``torch.where`` of the coalition masks, and no row goes through the host), the
model runs under ``torch.inference_mode()``, and the outputs are averaged over
the background on the device in float64. Only the coalition values (N × 2^M × C
numbers) and, for the score intervals, each background row's sums cross to the
host, where the library chooses the rows (the same seeded choices as
:func:`interplay.intershap`) and computes the Shapley values, Φ, the scores and
their intervals with the code every other InterSHAP run uses.

Example::

    import torch, interplay.torch
    net = torch.nn.Sequential(torch.nn.Linear(5, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    xs = [torch.randn(50, 2), torch.randn(50, 3)]
    r = interplay.torch.intershap(lambda x: net(x), xs, concat=True, n_background=20)
    print(r.global_percent)

Differences from :func:`interplay.intershap`: the model receives torch tensors
(a list of M ``B × d_m`` float32 tensors, or one ``B × Σd_m`` tensor with
``concat=True``); ``output="all"`` is accepted and returns one result per class;
Shapley values are exact (M ≤ 12) and every coalition value is the exact mean
over the background; ``n_background="auto"`` is refused (its size depends on
intermediate results: give a number or ``"all"``). Probabilities a model
returns are checked (rows in [0, 1] summing to 1) on the unmasked rows only, and
NaN or infinite outputs anywhere are refused.
"""

from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Union

import numpy as np

from . import _checks, _interplay
from ._intershap import InterShapResult, _background_rows, _result_of

__all__ = ["intershap"]

#: Rows per model call on the CPU: measured fastest for small fusion heads on two
#: cores (larger batches leave the caches for DRAM, smaller ones pay per call).
CPU_BATCH = 8192

#: Bounds of the batch chosen from free device memory.
MIN_BATCH, MAX_BATCH = 1024, 1 << 20

#: Share of the free device memory the batches may use.
MEMORY_SHARE = 0.5


def _torch():
    """The torch module, imported on first use so that interplay works without it."""
    try:
        import torch  # noqa: PLC0415
    except ImportError as e:
        raise ImportError("interplay.torch needs PyTorch: pip install 'interplay[torch]' (or torch)") from e
    return torch


def intershap(
    model: Callable[..., Any],
    inputs: Sequence[Any],
    *,
    background: Optional[Sequence[Any]] = None,
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
    device: Any = None,
    dtype: Any = None,
) -> Union[InterShapResult, List[InterShapResult]]:
    """InterSHAP of a PyTorch model (``torch.nn.Module`` or any function of tensors),
    evaluated on ``device``; the same result as :func:`interplay.intershap` with the
    same model as a numpy callable (to float rounding: 1e-5 in probability space).

    Parameters
    ----------
    model:
        Called with a list of M float32 tensors (``B × d_m``) on ``device``, or one
        ``B × Σd_m`` tensor with ``concat=True``; returns ``B × C`` logits or
        probabilities (``B × 1``: a binary model's class-1 score), like the callable
        of :func:`interplay.intershap`. A module whose ``forward`` takes M tensors:
        ``lambda xs: net(*xs)``. Put the module in ``eval()`` mode first.
    inputs, background:
        M tensors (or array-likes) of ``N × d_m`` rows; moved to ``device`` once.
    device:
        Where the model runs: the device of the model's parameters by default, else
        that of the first input tensor, else the CPU.
    batch_size:
        Rows per model call. Default: on CUDA, what half the free memory holds (the
        model's memory per row is measured on the first pass); on the CPU
        :data:`CPU_BATCH`.
    dtype:
        ``None`` or ``torch.float32`` (default): full precision. ``torch.float16`` or
        ``torch.bfloat16`` run the model under ``torch.autocast`` (faster on GPUs,
        less exact); the averaging is float64 whatever the dtype.
    output:
        ``"best"`` (default), ``"class:K"`` or ``K``, or ``"all"``: one result per
        class, in a list.

    The other parameters are those of :func:`interplay.intershap`.

    Raises
    ------
    ImportError
        PyTorch is not installed.
    TypeError
        ``model`` is not callable; ``inputs`` is not a list of tensors or arrays.
    ValueError
        Shapes differ, values are NaN or infinite (inputs or model outputs), options
        are invalid or unsupported here (``n_background="auto"``, more than 12
        modalities).
    """
    torch = _torch()
    if not callable(model):
        raise TypeError(f"model must be a callable (a torch module or a function of tensors), got {type(model).__name__}")
    dev = _device(torch, model, inputs, device)
    autocast = _autocast(torch, dtype)
    xs = _modalities(torch, inputs, "inputs", dev)
    if background is not None:
        zs = _modalities(torch, background, "background", dev)
        if [z.shape[1] for z in zs] != [x.shape[1] for x in xs]:
            raise ValueError(
                f"the background has modality widths {[z.shape[1] for z in zs]} "
                f"but the inputs have {[x.shape[1] for x in xs]}"
            )
    else:
        zs = xs
    if output is not None and not isinstance(output, str):
        output = str(_checks.integer("output", output))
    plan = _interplay.intershap_table_plan(
        xs[0].shape[0],
        zs[0].shape[0],
        background is not None,
        len(xs),
        _background_rows(n_background),
        output,
        space,
        _checks.seed(seed),
        None if modality_names is None else [str(n) for n in modality_names],
        _checks.optional_float("confidence", confidence),
        _checks.optional_integer("bootstrap", bootstrap, 0),
        _checks.optional_float("ci_target", ci_target),
        labels,
    )
    batch = _checks.optional_integer("batch_size", batch_size, 1)
    with torch.inference_mode():
        from ._torch_eval import DeviceModel, coalition_sums  # noqa: PLC0415

        net = DeviceModel(torch, model, xs, concat, returns, plan.space, autocast)
        if plan.fixed_class is not None and plan.fixed_class >= net.n_classes:
            raise ValueError(
                f"class {plan.fixed_class} does not exist: the model has {net.n_classes} classes "
                f"(0..{net.n_classes - 1})"
            )
        sample_idx = torch.as_tensor(plan.sample_indices, device=dev)
        bg_idx = torch.as_tensor(plan.background_indices, device=dev)
        x = [m.index_select(0, sample_idx) for m in xs]
        z = [m.index_select(0, bg_idx) for m in zs]
        full_raw, per_row = net.raw_outputs(x, batch or CPU_BATCH, measure=batch is None)
        predicted = full_raw.argmax(dim=1)
        full = net.in_space(full_raw, "inputs")
        bg = net.in_space(net.raw_outputs(z, batch or CPU_BATCH)[0], "background")
        batch = batch or _default_batch(torch, dev, per_row)
        sums = coalition_sums(net, x, z, predicted, batch, plan.with_intervals)
        arrays = [
            full,
            bg,
            predicted.to(torch.int64),
            sums.means,
        ]
        host = [a.cpu().numpy() for a in arrays]
        extra = [] if sums.background is None else [sums.background.cpu().numpy(), sums.background_predicted.cpu().numpy()]
    dicts = plan.finish(*host, *extra)
    results = [_result_of(d) for d in dicts]
    return results if output == "all" else results[0]


def _device(torch, model, inputs, device):
    """The device asked for, else the model's, else the first input tensor's, else the CPU."""
    if device is not None:
        return torch.device(device)
    params = getattr(model, "parameters", None)
    if callable(params):
        for p in params():
            return p.device
    if isinstance(inputs, (list, tuple)) and inputs and isinstance(inputs[0], torch.Tensor):
        return inputs[0].device
    return torch.device("cpu")


def _autocast(torch, dtype):
    """A context for the model calls: nothing (full precision) or ``torch.autocast``."""
    if dtype is None or dtype == torch.float32:
        return None
    if dtype in (torch.float16, torch.bfloat16):
        return dtype
    raise ValueError(f"dtype must be None, torch.float32, torch.float16 or torch.bfloat16, got {dtype!r}")


def _modalities(torch, obj, what: str, dev) -> list:
    """M float32 matrices on ``dev`` from tensors or array-likes, checked: two or more
    modalities, 2-D (a 1-D one is one column), equal rows, at least one row, real and
    finite values."""
    if isinstance(obj, (torch.Tensor, np.ndarray, str)) or not isinstance(obj, Sequence):
        raise TypeError(f"{what} must be a list of tensors, one N × d_m tensor per modality")
    if len(obj) < 2:
        raise ValueError(f"{what} must have at least two modalities, got {len(obj)}")
    out = []
    for k, m in enumerate(obj):
        name = f"{what}[{k}]"
        try:
            t = torch.as_tensor(m, device=dev)
        except (TypeError, ValueError, RuntimeError) as e:
            raise TypeError(f"{name} must be a numeric tensor or array-like ({e})") from e
        if t.is_complex():
            raise ValueError(f"{name} holds complex numbers; pass real values")
        if t.dim() == 1:
            t = t.reshape(-1, 1)
        if t.dim() != 2:
            raise ValueError(f"{name} must be a 2-D array (samples × features), got {t.dim()} dimensions")
        t = t.to(torch.float32).contiguous()
        if not bool(torch.isfinite(t).all()):
            raise ValueError(f"{name} holds NaN or infinite values")
        out.append(t)
    rows = {t.shape[0] for t in out}
    if len(rows) != 1:
        raise ValueError(f"the modalities of {what} have different numbers of rows: {[t.shape[0] for t in out]}")
    if out[0].shape[0] == 0:
        raise ValueError(f"{what} has no rows")
    return out


def _default_batch(torch, dev, per_row: Optional[float]) -> int:
    """Rows per call: on CUDA what :data:`MEMORY_SHARE` of the free memory holds at the
    measured bytes per row, on the CPU :data:`CPU_BATCH`, elsewhere 65 536."""
    if dev.type == "cuda" and per_row:
        free, _ = torch.cuda.mem_get_info(dev)
        return int(max(MIN_BATCH, min(MAX_BATCH, MEMORY_SHARE * free // per_row)))
    if dev.type == "cpu":
        return CPU_BATCH
    return 65536
