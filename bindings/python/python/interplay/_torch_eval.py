"""The device side of :mod:`interplay.torch`: model calls and coalition sums.

Everything here runs under ``torch.inference_mode()`` on the model's device and
leaves its results there; :mod:`interplay.torch` moves the few numbers the
library needs to the host.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from . import _interplay

#: Rows of the first call that tells logits from probabilities (as the numpy path).
PROBE = 8

#: The smallest positive float64: the log of a probability of 0 in logit space (as
#: the library).
MIN_POSITIVE = 2.2250738585072014e-308

#: How far probabilities may stray from [0, 1] and a row sum from 1 (the library's
#: ``PROBABILITY_TOLERANCE``).
PROBABILITY_TOLERANCE = 1e-2


class DeviceModel:
    """A model on its device: called on masked pieces, its raw outputs checked and
    brought to the explained space in float64.

    ``kind`` and the single-column rule come from the library (:func:`_interplay.output_kind`),
    from a first call on the first explained rows, as for a numpy callable.
    """

    def __init__(self, torch, model, xs, concat: bool, returns: str, space: str, autocast):
        self.torch, self.model, self.concat, self.space = torch, model, bool(concat), space
        self.autocast = autocast
        self.device = xs[0].device
        head = [x[:PROBE] for x in xs]
        probe = self._call(head if not self.concat else [torch.cat(head, dim=1)], head[0].shape[0])
        kind, self.single_column = _interplay.output_kind(probe.float().cpu().numpy(), returns)
        self.probabilities = kind == "probabilities"
        self.columns = probe.shape[1]
        self.n_classes = 2 if self.single_column else self.columns

    def _context(self):
        if self.autocast is None:
            return contextlib.nullcontext()
        return self.torch.autocast(device_type=self.device.type, dtype=self.autocast)

    def _call(self, pieces: List[Any], rows: int):
        """The model's output on ``pieces`` (one tensor with ``concat``, else one per
        modality), checked to be a ``rows × C`` tensor."""
        torch = self.torch
        with self._context():
            out = self.model(pieces[0] if self.concat else list(pieces))
        if not isinstance(out, torch.Tensor):
            raise TypeError(f"the model must return a tensor, got {type(out).__name__}")
        if out.dim() == 1:
            out = out.reshape(-1, 1)
        if out.dim() != 2 or out.shape[0] != rows:
            raise ValueError(f"the model must return a 2-D tensor of shape ({rows}, C); got shape {tuple(out.shape)}")
        if out.shape[1] < 1:
            raise ValueError("the model returned 0 columns; it must return an N × C array of class scores")
        columns = getattr(self, "columns", None)
        if columns is not None and out.shape[1] != columns:
            raise ValueError(f"the model returned {out.shape[1]} columns, but {columns} on its first call")
        return out

    def raw(self, pieces: List[Any], rows: int):
        """Raw outputs (float32, two columns for a single-column model) of one batch."""
        torch = self.torch
        out = self._call(pieces, rows).float()
        if self.single_column:
            v = out[:, :1]
            other = 1.0 - v if self.probabilities else torch.zeros_like(v)
            out = torch.cat([other, v], dim=1)
        return out

    def raw_outputs(self, xs, batch: int, measure: bool = False) -> Tuple[Any, Optional[float]]:
        """Raw outputs of every row of ``xs`` (unmasked), in batches; with ``measure`` on
        CUDA also the peak memory of the first batch per row (for the batch size)."""
        torch = self.torch
        n = xs[0].shape[0]
        parts, per_row = [], None
        for lo in range(0, n, batch):
            hi = min(n, lo + batch)
            pieces = [x[lo:hi] for x in xs]
            if self.concat:
                pieces = [torch.cat(pieces, dim=1)]
            if measure and lo == 0 and self.device.type == "cuda":
                per_row = self._measure(pieces, min(hi, PROBE_ROWS_CAP))
            parts.append(self.raw(pieces, hi - lo))
        return torch.cat(parts, dim=0), per_row

    def _measure(self, pieces, rows: int) -> float:
        """Peak CUDA memory per row of a call on the first ``rows`` rows."""
        torch = self.torch
        torch.cuda.synchronize(self.device)
        before = torch.cuda.memory_allocated(self.device)
        torch.cuda.reset_peak_memory_stats(self.device)
        head = [p[:rows] for p in pieces]
        # Twice the inputs: the masked pieces are built before the call.
        self.raw(head, rows)
        peak = torch.cuda.max_memory_allocated(self.device) - before
        width = sum(p.shape[1] for p in pieces) * 4
        return max(1.0, peak / max(1, rows) + width)

    def in_space(self, raw, what: str):
        """Raw outputs in the explained space, float64, with the checks of the library's
        model guard: finite, and distributions when declared probabilities."""
        torch = self.torch
        if not bool(torch.isfinite(raw).all()):
            bad = int((~torch.isfinite(raw)).any(dim=1).sum())
            raise ValueError(f"the model returned NaN or infinite scores in {bad} of {raw.shape[0]} rows of the {what}")
        if self.probabilities:
            t = PROBABILITY_TOLERANCE
            ok = ((raw >= -t) & (raw <= 1 + t)).all(dim=1) & ((raw.double().sum(dim=1) - 1).abs() <= t)
            if not bool(ok.all()):
                bad = int((~ok).sum())
                raise ValueError(
                    f"the model is declared to return probabilities, but {bad} of {raw.shape[0]} rows of the "
                    f"{what} are not in [0, 1] or do not sum to 1 (are they logits?)"
                )
        return self.to_space(raw)

    def to_space(self, raw):
        """Float64 values in the explained space: softmax of logits (probability space),
        log of probabilities (logit space), or the raw values."""
        torch = self.torch
        out = raw.double()
        if self.space == "probability":
            return out if self.probabilities else torch.softmax(out, dim=1)
        return out.clamp_min(MIN_POSITIVE).log() if self.probabilities else out


#: The largest first batch measured for the memory per row.
PROBE_ROWS_CAP = 4096


@dataclass
class CoalitionSums:
    """What the library needs of the masked evaluations, on the device (float64)."""

    #: v(S) of every explained row, inner mask and class: N × (2^M − 2) × C.
    means: Any
    #: Σ_a f(x_a,S, z_b): B × (2^M − 2) × C (``None`` without intervals).
    background: Optional[Any]
    #: Σ_a f(x_a,S, z_b)[c_a]: B × (2^M − 2) (``None`` without intervals).
    background_predicted: Optional[Any]


def coalition_sums(net: DeviceModel, x, z, predicted, batch: int, with_intervals: bool) -> CoalitionSums:
    """Evaluate every (explained row a, inner mask S, background row b) triple — modality
    m of the model row is ``x[m][a]`` when m ∈ S, else ``z[m][b]`` — in blocks of at most
    ``batch`` rows, and reduce on the device: the mean over b per (a, S), and with
    intervals the sums over a per (b, S)."""
    torch = net.torch
    m, n, n_bg = len(x), x[0].shape[0], z[0].shape[0]
    k = (1 << m) - 2
    dev = x[0].device
    c = net.n_classes
    sums = torch.zeros((n, k, c), dtype=torch.float64, device=dev)
    bg = torch.zeros((k, n_bg, c), dtype=torch.float64, device=dev) if with_intervals else None
    bg_pred = torch.zeros((k, n_bg), dtype=torch.float64, device=dev) if with_intervals else None
    for a0, a1, k0, k1, b0, b1 in _blocks(n, k, n_bg, batch):
        na, kc, nb = a1 - a0, k1 - k0, b1 - b0
        pieces = _masked_rows(torch, x, z, (a0, a1), (k0, k1), (b0, b1), net.concat)
        out = net.to_space(net.raw(pieces, na * kc * nb)).reshape(na, kc, nb, c)
        sums[a0:a1, k0:k1] += out.sum(dim=2)
        if with_intervals:
            bg[k0:k1, b0:b1] += out.sum(dim=0)
            own = predicted[a0:a1].reshape(na, 1, 1, 1).expand(na, kc, nb, 1)
            bg_pred[k0:k1, b0:b1] += out.gather(3, own).squeeze(3).sum(dim=0)
    return CoalitionSums(
        means=sums / n_bg,
        background=None if bg is None else bg.permute(1, 0, 2).contiguous(),
        background_predicted=None if bg_pred is None else bg_pred.t().contiguous(),
    )


def _masked_rows(torch, x, z, rows, masks, background, concat: bool) -> List[Any]:
    """The model inputs of one block, in (row a, mask S, background row b) order: one
    ``na·kc·nb × d_m`` tensor per modality (one ``× Σd_m`` tensor with ``concat``). Each
    modality of each mask is one broadcast device copy, of ``x[m][a0:a1]`` when m ∈ S
    (mask S = k + 1), else of ``z[m][b0:b1]``: no row goes through the host, and no
    mask is applied element by element."""
    (a0, a1), (k0, k1), (b0, b1) = rows, masks, background
    na, kc, nb = a1 - a0, k1 - k0, b1 - b0
    widths = [t.shape[1] for t in x]
    dev = x[0].device
    bufs = (
        [torch.empty((na, kc, nb, sum(widths)), dtype=x[0].dtype, device=dev)]
        if concat
        else [torch.empty((na, kc, nb, d), dtype=x[0].dtype, device=dev) for d in widths]
    )
    for j in range(kc):
        mask = k0 + j + 1
        offset = 0
        for mm, d in enumerate(widths):
            dst = bufs[0][:, j, :, offset : offset + d] if concat else bufs[mm][:, j]
            src = x[mm][a0:a1, None, :] if mask >> mm & 1 else z[mm][None, b0:b1, :]
            dst.copy_(src)
            offset += d
    return [b.reshape(na * kc * nb, -1) for b in bufs]


def _blocks(n: int, k: int, n_bg: int, batch: int):
    """Blocks ``(a0, a1, k0, k1, b0, b1)`` of at most ``batch`` model rows covering every
    (row, mask, background row) triple: whole rows of masks × background when they fit,
    else whole background sets of some masks, else parts of one background set."""
    per_row = k * n_bg
    if batch >= per_row:
        step = batch // per_row
        for a0 in range(0, n, step):
            yield a0, min(n, a0 + step), 0, k, 0, n_bg
    elif batch >= n_bg:
        step = batch // n_bg
        for a0 in range(n):
            for k0 in range(0, k, step):
                yield a0, a0 + 1, k0, min(k, k0 + step), 0, n_bg
    else:
        for a0 in range(n):
            for k0 in range(k):
                for b0 in range(0, n_bg, batch):
                    yield a0, a0 + 1, k0, k0 + 1, b0, min(n_bg, b0 + batch)
