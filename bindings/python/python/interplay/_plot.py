"""matplotlib figures of LSMI and InterSHAP results (``result.plot(kind=...)``).

The same pictures as the HTML report (``interplay report`` / :func:`interplay.report`),
drawn with matplotlib so they can be restyled and placed in a notebook or a paper.
matplotlib is optional (``pip install 'interplay[plot]'``); without it ``plot()``
raises ``ImportError`` saying so. Figures are built with ``matplotlib.figure.Figure``,
not ``pyplot``, so no window opens and no global state changes.
"""

from __future__ import annotations

from typing import Any, Dict, Optional, Sequence

import numpy as np

__all__ = ["LSMI_KINDS", "INTERSHAP_KINDS", "plot_lsmi", "plot_intershap"]

LSMI_KINDS = ("atoms", "hist", "map")
INTERSHAP_KINDS = ("waterfall", "heatmap", "local", "pairs")
_ATOMS = (("redundancy", "R"), ("uniqueness_1", "U1"), ("uniqueness_2", "U2"), ("synergy", "S"))
_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#d55e00")


def _figure(**kwargs: Any):
    try:
        from matplotlib.figure import Figure  # noqa: PLC0415
    except ImportError as e:
        raise ImportError(
            "plot() needs the 'matplotlib' package: pip install matplotlib (or 'interplay[plot]')"
        ) from e
    return Figure(**kwargs)


def _check(kind: str, kinds: Sequence[str]) -> None:
    if kind not in kinds:
        raise ValueError(f"kind must be one of {', '.join(repr(k) for k in kinds)}, got {kind!r}")


def plot_lsmi(result: Any, kind: str = "atoms"):
    """``atoms``: mean adjusted atoms with their intervals; ``hist``: the per-sample
    r, u1, u2, s; ``map``: the samples by redundancy and synergy."""
    _check(kind, LSMI_KINDS)
    units = result.units
    if kind == "atoms":
        pair = (result.summary.get("pairs") or [{}])[0]
        means = [pair.get("adjusted", {}).get(k, float(np.mean(getattr(result, k)))) for k, _ in _ATOMS]
        bounds = [(pair.get("adjusted_interval") or {}).get(k) for k, _ in _ATOMS]
        err = np.array(
            [[m - b["lower"], b["upper"] - m] if b else [0.0, 0.0] for m, b in zip(means, bounds)]
        ).T
        fig = _figure(figsize=(6, 4))
        ax = fig.add_subplot()
        ax.bar([n for _, n in _ATOMS], means, yerr=err, capsize=6, color=_COLOURS)
        ax.axhline(0, color="black", linewidth=0.8)
        ax.set_ylabel(f"mean atom ({units})")
        ax.set_title("LSMI: mean atoms with intervals")
        return fig
    if kind == "hist":
        fig = _figure(figsize=(9, 6))
        axes = fig.subplots(2, 2)
        for ax, (name, short), colour in zip(axes.ravel(), _ATOMS, _COLOURS):
            values = np.asarray(getattr(result, name), dtype=float)
            ax.hist(values[np.isfinite(values)], bins=30, color=colour, alpha=0.8)
            ax.axvline(float(np.nanmean(values)), color="black", linewidth=1.5)
            ax.set_title(f"per-sample {name.replace('_', ' ')} {short.lower()}")
            ax.set_xlabel(units)
        fig.tight_layout()
        return fig
    fig = _figure(figsize=(6, 5))
    ax = fig.add_subplot()
    ax.scatter(result.redundancy, result.synergy, s=10, alpha=0.5, color=_COLOURS[0])
    ax.axhline(0, color="black", linewidth=0.8)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_xlabel(f"redundancy r ({units})")
    ax.set_ylabel(f"synergy s ({units})")
    ax.set_title("LSMI: samples by redundancy and synergy")
    return fig


def _waterfall_steps(matrix: np.ndarray) -> Dict[str, float]:
    """Each modality's own effect Φ_ii (``M1`` … ``Mk``), then ``I``: the sum of the
    off-diagonal Φ_ij. They add up to prediction − base value."""
    m = matrix.shape[0]
    steps = {f"M{i + 1}": float(matrix[i, i]) for i in range(m)}
    steps["I"] = float(matrix.sum() - np.trace(matrix))
    return steps


def plot_intershap(result: Any, kind: str = "waterfall", sample: Optional[int] = None):
    """``waterfall``: base value → M1 … Mk, I → prediction, of the dataset (mean) or of
    ``sample``; ``heatmap``: the mean Φ; ``local``: the local scores' histogram;
    ``pairs``: each pair's share of the behaviour."""
    _check(kind, INTERSHAP_KINDS)
    output = (result.summary.get("outputs") or [{}])[0]
    space = result.summary.get("settings", {}).get("space", "probability")
    names = list(result.modality_names)
    if kind == "waterfall":
        if sample is None:
            matrix = np.asarray(output.get("mean_matrix", result.phi.mean(axis=0)), dtype=float)
            base = float(output.get("base_value", np.mean(result.base_values)))
            end = float(output.get("prediction", np.mean(result.predictions)))
            title = "InterSHAP: from base value to prediction (dataset)"
        else:
            i = int(sample)
            if not 0 <= i < len(result.local):
                raise ValueError(f"sample must be in 0..{len(result.local) - 1}, got {sample}")
            matrix = np.asarray(result.phi[i], dtype=float)
            base, end = float(result.base_values[i]), float(result.predictions[i])
            title = f"InterSHAP: sample {i} (local {100 * float(result.local[i]):.1f} %)"
        steps = _waterfall_steps(matrix)
        labels = ["base", *steps, "prediction"]
        bottoms, heights, colours = [0.0], [base], ["#777777"]
        level = base
        for delta in steps.values():
            bottoms.append(level)
            heights.append(delta)
            colours.append("#d55e00" if delta >= 0 else "#0072b2")
            level += delta
        bottoms.append(0.0)
        heights.append(end)
        colours.append("#777777")
        fig = _figure(figsize=(7, 4))
        ax = fig.add_subplot()
        ax.bar(labels, heights, bottom=bottoms, color=colours)
        ax.set_ylabel(f"output ({space})")
        ax.set_title(title)
        legend = ", ".join(f"M{k + 1} = {n}" for k, n in enumerate(names))
        ax.set_xlabel(legend)
        return fig
    if kind == "heatmap":
        matrix = np.asarray(output.get("mean_matrix", result.phi.mean(axis=0)), dtype=float)
        lim = float(np.abs(matrix).max()) or 1.0
        fig = _figure(figsize=(5.5, 4.5))
        ax = fig.add_subplot()
        image = ax.imshow(matrix, cmap="RdBu_r", vmin=-lim, vmax=lim)
        for (i, j), v in np.ndenumerate(matrix):
            ax.text(j, i, f"{v:+.4f}", ha="center", va="center")
        ax.set_xticks(range(len(names)), names)
        ax.set_yticks(range(len(names)), names)
        ax.set_title("InterSHAP: mean Φ")
        fig.colorbar(image, ax=ax)
        return fig
    if kind == "local":
        fig = _figure(figsize=(6, 4))
        ax = fig.add_subplot()
        ax.hist(np.asarray(result.local, dtype=float), bins=30, color=_COLOURS[0])
        ax.set_xlabel("local InterSHAP (fraction)")
        ax.set_ylabel("samples")
        ax.set_title("InterSHAP: local scores")
        return fig
    pairs = output.get("pairs", [])
    fig = _figure(figsize=(6, 4))
    ax = fig.add_subplot()
    shares = [p["share"] for p in pairs]
    err = np.array(
        [
            [p["share"] - p["share_interval"]["lower"], p["share_interval"]["upper"] - p["share"]]
            if p.get("share_interval")
            else [0.0, 0.0]
            for p in pairs
        ]
    ).T.reshape(2, len(pairs))
    ax.bar([f"M{p['modalities'][0]}–M{p['modalities'][1]}" for p in pairs], shares, yerr=err, capsize=6)
    ax.set_ylabel("share of behaviour (fraction)")
    ax.set_title("InterSHAP: share of each pair")
    return fig
