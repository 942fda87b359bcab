"""matplotlib figures of LSMI and InterSHAP results (``result.plot(kind=...)``).

The figures' data come from the Rust library (the same values as the HTML report's
figures: bars, bins, points, cells, waterfall steps); this module only draws them
with matplotlib, so they can be restyled and placed in a notebook or a paper.
matplotlib is optional (``pip install 'interplay[plot]'``); without it ``plot()``
raises ``ImportError`` saying so. Figures are built with ``matplotlib.figure.Figure``,
not ``pyplot``, so no window opens and no global state changes.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Sequence

import numpy as np

from . import _interplay

__all__ = ["LSMI_KINDS", "INTERSHAP_KINDS", "plot_lsmi", "plot_intershap"]

#: ``kind`` → the ids of the library's figures it draws.
LSMI_KINDS = {
    "atoms": ["lsmi-atoms"],
    "hist": ["lsmi-1-2-hist-r", "lsmi-1-2-hist-u1", "lsmi-1-2-hist-u2", "lsmi-1-2-hist-s"],
    "map": ["lsmi-1-2-map"],
}
INTERSHAP_KINDS = {
    "waterfall": ["intershap-waterfall"],
    "heatmap": ["intershap-heatmap"],
    "local": ["intershap-local"],
    "pairs": ["intershap-pairs"],
}
_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#d55e00", "#cc79a7", "#56b4e9")
_UP, _DOWN, _NEUTRAL = "#d55e00", "#0072b2", "#777777"


def _figure(**kwargs: Any):
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(
            "plot() needs the 'matplotlib' package: pip install matplotlib (or 'interplay[plot]')"
        ) from e
    return Figure(**kwargs)


def _library_figures(ids: Sequence[str], samples: Sequence[int] = (), **results: Any) -> List[Dict[str, Any]]:
    from ._report import payload  # noqa: PLC0415

    figures = json.loads(_interplay.figure_data(*payload(results.get("lsmi"), results.get("intershap")), list(samples)))
    by_id = {f["id"]: f for f in figures}
    missing = [i for i in ids if i not in by_id]
    if missing:
        raise ValueError(f"this result has no figure {', '.join(missing)}")
    return [by_id[i] for i in ids]


def _check(kind: str, kinds: Dict[str, List[str]]) -> List[str]:
    if kind not in kinds:
        raise ValueError(f"kind must be one of {', '.join(repr(k) for k in kinds)}, got {kind!r}")
    return kinds[kind]


def plot_lsmi(result: Any, kind: str = "atoms"):
    """``atoms``: mean adjusted atoms, stacked, with their intervals; ``hist``: the
    per-sample r, u1, u2, s; ``map``: the samples by redundancy and synergy."""
    ids = _check(kind, LSMI_KINDS)
    _figure()  # matplotlib first: its absence is the message, not a missing figure
    figures = _library_figures(ids, lsmi=result)
    if kind == "hist":
        fig = _figure(figsize=(10, 6.5))
        for ax, f in zip(fig.subplots(2, 2).ravel(), figures):
            _draw(ax, f)
        fig.tight_layout()
        return fig
    fig = _figure(figsize=(7, 4.5))
    _draw(fig.add_subplot(), figures[0])
    return fig


def plot_intershap(result: Any, kind: str = "waterfall", sample: Optional[int] = None):
    """``waterfall``: base value → M1 … Mk, I → prediction, of the dataset (mean) or of
    row ``sample``; ``heatmap``: the mean Φ; ``local``: the local scores' histogram;
    ``pairs``: each pair's share of the behaviour (M > 2)."""
    ids = _check(kind, INTERSHAP_KINDS)
    _figure()
    samples: List[int] = []
    if kind == "waterfall" and sample is not None:
        samples = [int(sample)]
        ids = [f"intershap-sample-{int(sample)}"]
    figures = _library_figures(ids, samples, intershap=result)
    fig = _figure(figsize=(7, 4.5))
    _draw(fig.add_subplot(), figures[0])
    if kind == "heatmap":
        fig.colorbar(fig.axes[0].images[0], ax=fig.axes[0])
    return fig


def _draw(ax, figure: Dict[str, Any]) -> None:
    """Draw one library figure on ``ax``."""
    data = figure["data"]
    {
        "bars": _bars,
        "histogram": _histogram,
        "scatter": _scatter,
        "heatmap": _heatmap,
        "waterfall": _waterfall,
    }[data["kind"]](ax, data)
    ax.set_title(figure["title"])


def _bars(ax, d: Dict[str, Any]) -> None:
    groups, series = d["groups"], d["series"]
    values = np.asarray(d["values"], dtype=float).reshape(len(groups), len(series))
    x = np.arange(len(groups))
    width = 0.5 if d["stacked"] else 0.8 / max(len(series), 1)
    up, down = np.zeros(len(groups)), np.zeros(len(groups))
    for k, name in enumerate(series):
        v = values[:, k]
        if d["stacked"]:
            base = np.where(v >= 0, up, down)
            up, down = up + np.where(v >= 0, v, 0), down + np.where(v < 0, v, 0)
            pos = x
        else:
            base = np.zeros(len(groups))
            pos = x - 0.4 + (k + 0.5) * width
        ax.bar(pos, v, width, bottom=base, label=name, color=_COLOURS[k % len(_COLOURS)])
        for g, iv in enumerate(row[k] for row in d["intervals"]):
            if iv is not None:
                xc = pos[g] + (width * ((k + 0.5) / len(series) - 0.5) if d["stacked"] else 0)
                ax.errorbar(xc, base[g] + v[g], yerr=[[v[g] - iv[0]], [iv[1] - v[g]]], color="black", capsize=5)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set_xticks(x, groups)
    ax.set_ylabel(d["y_label"])
    if len(series) > 1:
        ax.legend()


def _histogram(ax, d: Dict[str, Any]) -> None:
    edges = np.asarray(d["edges"], dtype=float)
    ax.bar(edges[:-1], d["counts"], width=np.diff(edges), align="edge", color=_COLOURS[0], alpha=0.8)
    ax.axvline(d["mean"], color=_UP, linewidth=1.5, label=f"mean {d['mean']:.4f}")
    ax.set_xlabel(d["x_label"])
    ax.set_ylabel("samples")
    ax.legend()


def _scatter(ax, d: Dict[str, Any]) -> None:
    points = np.asarray(d["points"], dtype=float).reshape(-1, 2)
    ax.scatter(points[:, 0], points[:, 1], s=10, alpha=0.5, color=_COLOURS[0])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(d["x_label"])
    ax.set_ylabel(d["y_label"])


def _heatmap(ax, d: Dict[str, Any]) -> None:
    matrix = np.asarray(d["values"], dtype=float)
    lim = float(np.abs(matrix).max()) or 1.0
    ax.imshow(matrix, cmap="RdBu_r", vmin=-lim, vmax=lim)
    for (i, j), v in np.ndenumerate(matrix):
        ax.text(j, i, f"{v:+.4f}", ha="center", va="center")
    ax.set_xticks(range(len(d["labels"])), d["labels"])
    ax.set_yticks(range(len(d["labels"])), d["labels"])


def _waterfall(ax, d: Dict[str, Any]) -> None:
    labels = [d["start_label"], *(s["label"] for s in d["steps"]), d["end_label"]]
    bottoms, heights, colours = [0.0], [d["start"]], [_NEUTRAL]
    level = d["start"]
    for s in d["steps"]:
        bottoms.append(level)
        heights.append(s["delta"])
        colours.append(_UP if s["delta"] >= 0 else _DOWN)
        level += s["delta"]
    bottoms.append(0.0)
    heights.append(d["end"])
    colours.append(_NEUTRAL)
    ax.bar(labels, heights, bottom=bottoms, color=colours)
    ax.set_ylabel(d["y_label"])
