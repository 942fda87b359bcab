"""InterSHAP: the share of a model's behaviour that comes from cross-modal interactions."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

from . import _checks, _interplay
from ._uncertainty import Interval

__all__ = ["InterShapResult", "intershap"]

ModelLike = Union[Callable[..., Any], str, "os.PathLike[str]"]


@dataclass
class InterShapResult:
    """Per-sample Shapley interaction matrices of a model and the InterSHAP scores.

    Attributes
    ----------
    phi:
        ``N × M × M`` InterSHAP matrices Φ: off-diagonal Φ_ij is half the pairwise
        Shapley interaction index, the diagonal Φ_ii = φ_i − Σ_{j≠i} Φ_ij. Each matrix
        sums to ``prediction − base_value`` (efficiency).
    shapley_values:
        ``N × M`` Shapley values φ_i of the modalities.
    base_values:
        ``(N,)`` value of the empty coalition v(∅): the mean output over the background.
    predictions:
        ``(N,)`` value of the full coalition v(M): the explained output on the sample.
    local:
        ``(N,)`` local InterSHAP, Σ_{i≠j}|Φ_ij| / Σ_{i,j}|Φ_ij| (a fraction in [0, 1]).
    global_score:
        The global InterSHAP (fraction): the interaction share of the mean matrix.
    global_interval:
        Its confidence interval (an :class:`Interval`, fractions) over both the
        explained rows and the background rows, or ``None`` with ``bootstrap=0``.
    local_std_err:
        ``(N,)`` standard errors of the local scores when the Shapley values were
        sampled (permutations), else ``None``.
    warnings:
        Conditions under which the numbers may mean little (a model no better than
        its majority class, a background too small for ``ci_target``, …).
    summary:
        The same dictionary as the CLI's JSON output (scores, per-pair shares, options).
    modality_names:
        Names of the modalities, used as feature names by :meth:`to_shap`.
    """

    phi: np.ndarray
    shapley_values: np.ndarray
    base_values: np.ndarray
    predictions: np.ndarray
    local: np.ndarray
    global_score: float
    summary: Dict[str, Any] = field(default_factory=dict)
    modality_names: List[str] = field(default_factory=list)
    data: Optional[np.ndarray] = None
    local_std_err: Optional[np.ndarray] = None

    @property
    def global_interval(self) -> Optional[Interval]:
        """Confidence interval of the global score (fractions), or ``None``."""
        return Interval.from_summary(self.summary.get("global_interval"))

    @property
    def pair_intervals(self) -> List[Optional[Interval]]:
        """Confidence interval of each pair's share (first output), in pair order."""
        outputs = self.summary.get("outputs") or [{}]
        return [Interval.from_summary(p.get("share_interval")) for p in outputs[0].get("pairs", [])]

    @property
    def warnings(self) -> List[str]:
        """Conditions under which the numbers may mean little (also in ``summary``)."""
        return list(self.summary.get("warnings", []))

    @property
    def global_percent(self) -> float:
        """The global InterSHAP as a percentage."""
        return 100.0 * self.global_score

    def to_shap(self):
        """A ``shap.Explanation`` of the modality Shapley values (modalities as features).

        ``shap.plots.waterfall(result.to_shap()[i])`` draws sample ``i`` from the base
        value to the prediction. Needs ``shap`` installed.
        """
        try:
            import shap  # noqa: PLC0415
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_shap() needs the 'shap' package: pip install shap") from e
        return shap.Explanation(
            values=np.asarray(self.shapley_values, dtype=np.float64),
            base_values=np.asarray(self.base_values, dtype=np.float64),
            data=self.data,
            feature_names=list(self.modality_names),
        )

    def plot(self, kind: str = "waterfall", sample: Optional[int] = None):
        """A matplotlib ``Figure``: ``"waterfall"`` (base value → M1 … Mk, I →
        prediction, of the dataset or of row ``sample``), ``"heatmap"`` (mean Φ),
        ``"local"`` (local scores) or ``"pairs"`` (each pair's share). Needs
        ``matplotlib`` (``ImportError`` otherwise)."""
        from ._plot import plot_intershap  # noqa: PLC0415

        return plot_intershap(self, kind, sample)

    def __repr__(self) -> str:
        n, m = self.shapley_values.shape
        iv = self.global_interval
        shown = f"{self.global_percent:.2f}%" if iv is None else iv.format_percent(self.global_score)
        return f"InterShapResult(n_samples={n}, n_modalities={m}, global={shown})"


def intershap(
    model: ModelLike,
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
) -> InterShapResult:
    """Explain a multimodal classifier with InterSHAP (Wenderoth et al., AAAI 2025).

    Parameters
    ----------
    model:
        A Python callable, a path to an ``.onnx`` file, or a built-in interplay model
        file. The callable receives a list of M arrays (``B × d_m``, float32), or one
        ``B × Σd_m`` array when ``concat=True``, and returns ``B × C`` logits or
        probabilities (see ``returns``). A binary model may instead return one
        column (``B × 1``): the probability of class 1 — or,
        with ``returns="logits"`` or values outside ``[0, 1]``, its logit — which is
        expanded to the two classes ``[1 − p, p]``. It is called with large batches; the engine
        runs with the GIL released between calls. A torch module works through a
        two-line wrapper::

            def f(xs):
                with torch.no_grad():
                    return net(*[torch.from_numpy(x) for x in xs]).numpy()

    inputs:
        The samples to explain: M array-likes of ``N × d_m``.
    background:
        Rows that stand in for absent modalities (M arrays with the same widths),
        used as given: every row, unless ``n_background`` is also set.
        Default: ``n_background`` rows drawn from ``inputs`` with ``seed``.
    n_background:
        Number of background rows B drawn (seeded) from ``background``, or from
        ``inputs`` when no background is given (default 100 then). Every coalition
        value is the exact mean over the B rows. ``"auto"`` grows B until the global
        score's interval half-width is at most ``ci_target`` (or every row is used);
        ``"all"`` uses every row.
    output:
        ``"best"`` (the default when ``None``) explains the probability of the class
        predicted on the full input; an integer (or ``"class:K"``) explains that class.
    space:
        ``"probability"`` (the default when ``None``) explains probabilities (softmax
        of logits); ``"logit"`` explains raw model outputs.
    concat:
        Call the callable with one concatenated array instead of a list.
    batch_size:
        Most rows per model call (default: the library's, 8192).
    seed:
        Seed of the background draw; results are reproducible from it.
    returns:
        What the callable returns: ``"auto"`` (rows that are probabilities are taken as
        such), ``"logits"`` or ``"probabilities"``.
    modality_names:
        Names for the M modalities (default ``modality_1`` … ``modality_M``).
    confidence:
        Confidence level of the intervals (default 0.95).
    bootstrap:
        Bootstrap replicates behind the intervals (default 1000; 0 turns them off).
    ci_target:
        Half-width in percentage points the global interval should not exceed
        (default 1): the goal of ``n_background="auto"`` and the threshold of the
        warning that the background is too small.
    labels:
        Optional ``(N,)`` integer labels of ``inputs``: the model's accuracy on them is
        reported beside the majority-class rate, with a warning when it is no better.

    Raises
    ------
    TypeError
        ``model`` is neither callable nor a path; ``inputs`` is not a list of arrays.
    ValueError
        Shapes differ, values are NaN/infinite, options are invalid, or the model file
        cannot be read — with the same message as the CLI.
    """
    return _result_of(
        _run(
            model,
            inputs,
            background=background,
            n_background=n_background,
            output=output,
            space=space,
            concat=concat,
            batch_size=batch_size,
            seed=seed,
            returns=returns,
            modality_names=modality_names,
            confidence=confidence,
            bootstrap=bootstrap,
            ci_target=ci_target,
            labels=labels,
        )
    )


def _run(
    model: ModelLike,
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
    shard: Optional[tuple] = None,
) -> Dict[str, Any]:
    """Check the arguments of :func:`intershap` and call the library (one shard of the
    rows when ``shard=(i, n)``: then the result is ``{"partial": bytes}``)."""
    if isinstance(model, (str, os.PathLike)):
        model = os.fspath(model)
    elif not callable(model):
        raise TypeError(
            "model must be a callable, a path to an .onnx file or a built-in model file, "
            f"got {type(model).__name__}"
        )
    if isinstance(inputs, np.ndarray) or not isinstance(inputs, Sequence):
        raise TypeError("inputs must be a list of M arrays (one N × d_m array per modality)")
    if output is not None and not isinstance(output, str):
        output = str(_checks.integer("output", output))
    return _interplay.intershap(
        model,
        list(inputs),
        None if background is None else list(background),
        _background_rows(n_background),
        output,
        space,
        bool(concat),
        _checks.optional_integer("batch_size", batch_size, 1),
        _checks.seed(seed),
        returns,
        None if modality_names is None else [str(n) for n in modality_names],
        _checks.optional_float("confidence", confidence),
        _checks.optional_integer("bootstrap", bootstrap, 0),
        _checks.optional_float("ci_target", ci_target),
        labels,
        shard,
    )


def _result_of(raw: Dict[str, Any]) -> InterShapResult:
    """The result object of the library's InterSHAP dictionary."""
    return InterShapResult(
        phi=raw["phi"],
        shapley_values=raw["shapley_values"],
        base_values=raw["base_values"],
        predictions=raw["predictions"],
        local=raw["local"],
        global_score=float(raw["global"]),
        summary=raw["summary"],
        modality_names=list(raw["modality_names"]),
        local_std_err=raw.get("local_std_err"),
    )


def _background_rows(n_background: Union[int, str, None]) -> Optional[str]:
    """``n_background`` as the library's text form: a row count, ``auto`` or ``all``."""
    if n_background is None:
        return None
    if isinstance(n_background, str):
        if n_background not in ("auto", "all"):
            raise ValueError(f"n_background must be a number of rows, 'auto' or 'all', got {n_background!r}")
        return n_background
    return str(_checks.optional_integer("n_background", n_background, 1))
