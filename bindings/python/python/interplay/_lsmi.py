"""LSMI: sample-level redundancy, uniqueness and synergy (Yang, Wang, Hu, ICML 2025)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import numpy as np

from . import _checks, _interplay
from ._uncertainty import Interval

__all__ = ["LsmiModels", "LsmiResult", "lsmi", "lsmi_fit"]

#: Per-sample arrays of an :class:`LsmiResult`, in the column order of :meth:`LsmiResult.to_pandas`.
PER_SAMPLE = (
    "redundancy",
    "uniqueness_1",
    "uniqueness_2",
    "synergy",
    "pmi_1",
    "pmi_2",
    "pmi_12",
    "entropy_1",
    "entropy_2",
)


@dataclass
class LsmiResult:
    """Per-sample LSMI atoms on the evaluation samples, in :attr:`units`.

    ``redundancy``, ``uniqueness_1``, ``uniqueness_2`` and ``synergy`` are the atoms
    after the dataset-level adjustment (when ``adjust=True``); per sample they satisfy
    ``redundancy + uniqueness_k = pmi_k`` and the four atoms sum to ``pmi_12``.
    ``pmi_1``, ``pmi_2``, ``pmi_12`` are the pointwise mutual informations
    i(x1;y), i(x2;y), i(x1,x2;y); ``entropy_1``, ``entropy_2`` the pointwise entropies
    h(x1) = −log p̂(x1), h(x2) = −log p̂(x2) from KNIFE (of the standardised
    features unless ``standardise=False``). ``summary`` is the same dictionary as
    the CLI's JSON output (means, intervals, adjustment, options, units).

    Uncertainty: :attr:`atoms_interval` holds the :class:`~interplay.Interval` of each
    mean adjusted atom, e.g. ``result.atoms_interval["redundancy"]`` (``lower``,
    ``upper``, ``std_err``, ``level``, ``method``; a bias-corrected bootstrap over the
    evaluated rows, the dataset-level shift recomputed per replicate); every pair's
    ``adjusted_interval``, ``raw_interval`` and ``mi_interval`` are in
    ``summary["pairs"]``. With ``repeats=K`` (K ≥ 2), :attr:`repeats` gives per
    atom the mean over the K seeds, the between-seed sd, the sampling se and the
    combined interval. ``warnings`` lists conditions under which the numbers may
    mean little (unstandardised scales, failed density fits, implausible PMIs),
    the same as the CLI prints on stderr.
    """

    redundancy: np.ndarray
    uniqueness_1: np.ndarray
    uniqueness_2: np.ndarray
    synergy: np.ndarray
    pmi_1: np.ndarray
    pmi_2: np.ndarray
    pmi_12: np.ndarray
    entropy_1: np.ndarray
    entropy_2: np.ndarray
    units: str
    summary: Dict[str, Any] = field(default_factory=dict)
    warnings: List[str] = field(default_factory=list)

    @property
    def atoms_interval(self) -> Dict[str, Interval]:
        """Interval of each mean adjusted atom (first pair), by atom name."""
        found = self.summary.get("atoms_interval") or {}
        return {name: Interval.from_summary(d) for name, d in found.items()}

    @property
    def repeats(self) -> Optional[Dict[str, Any]]:
        """The refits' summary (seeds, per pair and atom ``mean``, ``between_seed_sd``,
        ``sampling_se``, ``interval``), or ``None`` without ``repeats``."""
        return self.summary.get("repeats")

    def __len__(self) -> int:
        return int(self.redundancy.shape[0])

    def to_pandas(self):
        """A ``pandas.DataFrame`` with one row per evaluated sample and one column per array.

        Needs ``pandas`` installed. The unit is in ``df.attrs["units"]``.
        """
        try:
            import pandas as pd  # noqa: PLC0415
        except ImportError as e:  # pragma: no cover - depends on the environment
            raise ImportError("to_pandas() needs the 'pandas' package: pip install pandas") from e
        df = pd.DataFrame({name: getattr(self, name) for name in PER_SAMPLE})
        df.attrs["units"] = self.units
        return df

    def plot(self, kind: str = "atoms"):
        """A matplotlib ``Figure``: ``"atoms"`` (mean atoms with their intervals),
        ``"hist"`` (per-sample r, u1, u2, s) or ``"map"`` (samples by redundancy and
        synergy). Needs ``matplotlib`` (``ImportError`` otherwise)."""
        from ._plot import plot_lsmi  # noqa: PLC0415

        return plot_lsmi(self, kind)

    def __repr__(self) -> str:
        means = ", ".join(
            f"{k}={float(np.mean(getattr(self, k))):.4f}"
            for k in ("redundancy", "uniqueness_1", "uniqueness_2", "synergy")
        )
        return f"LsmiResult(n={len(self)}, {means} {self.units})"


def lsmi(
    x1: Any,
    x2: Any,
    y: Any,
    *,
    x1_eval: Any = None,
    x2_eval: Any = None,
    y_eval: Any = None,
    prior: Optional[str] = None,
    adjust: bool = True,
    folds: Optional[int] = None,
    seed: int = 0,
    units: Optional[str] = None,
    epochs: Optional[int] = None,
    knife_epochs: Optional[int] = None,
    batch_size: Optional[int] = None,
    hidden: Optional[int] = None,
    standardise: bool = True,
    repeats: int = 1,
    confidence: Optional[float] = None,
    bootstrap: Optional[int] = None,
) -> LsmiResult:
    """Estimate LSMI redundancy, uniqueness and synergy for every sample.

    The classifiers and KNIFE densities are trained on ``(x1, x2, y)``; the atoms are
    evaluated on ``(x1_eval, x2_eval, y_eval)`` when given, otherwise by cross-fitting
    over ``folds`` folds (5 when ``None``): every sample gets values from models that
    did not see it. Training data are never scored by models fitted on them.

    Parameters
    ----------
    x1, x2:
        ``N × d1`` and ``N × d2`` features of the two modalities (array-likes; a 1-D
        array is one feature).
    y:
        ``N`` integer class labels ``0..C-1``.
    x1_eval, x2_eval, y_eval:
        An evaluation set; all three or none.
    prior:
        ``"empirical"`` (class frequencies of the training labels, the correct PMI; the
        default when ``None``) or ``"uniform"`` (log C, as in the original code).
    adjust:
        Apply the dataset-level shift that makes the mean atoms non-negative.
    folds:
        Number of cross-fitting folds when no evaluation set is given (default 5).
    seed:
        Seed for initialisation and shuffling; results are reproducible from it.
    units:
        ``"nats"`` (the default when ``None``) or ``"bits"``.
    epochs, knife_epochs, batch_size, hidden:
        Training options; ``None`` keeps the library defaults (those of the paper).
    standardise:
        Standardise each modality's features with the training rows' mean and sd
        (LSMI's redundancy is not scale-invariant); ``False`` is the original code.
    repeats:
        Number of fits with seeds ``seed, seed + 1, …`` on the same rows; with 2 or
        more, :attr:`LsmiResult.repeats` reports the seed-to-seed spread. The
        per-sample arrays are the first fit's.
    confidence, bootstrap:
        Confidence level of every interval (default 0.95) and bootstrap replicates
        (default 1000; 0 gives normal intervals from the per-row standard error).

    Raises
    ------
    ValueError
        Shapes or lengths differ, values are NaN/infinite, labels are not integers,
        or an option is invalid — with the same message as the CLI.
    """
    given = [a is not None for a in (x1_eval, x2_eval, y_eval)]
    if any(given) and not all(given):
        raise ValueError("x1_eval, x2_eval and y_eval must be given together")
    raw = _interplay.lsmi(
        x1,
        x2,
        y,
        x1_eval,
        x2_eval,
        y_eval,
        prior,
        bool(adjust),
        _checks.optional_integer("folds", folds, 2),
        _checks.seed(seed),
        units,
        _checks.optional_integer("epochs", epochs, 1),
        _checks.optional_integer("knife_epochs", knife_epochs, 1),
        _checks.optional_integer("batch_size", batch_size, 1),
        _checks.optional_integer("hidden", hidden, 1),
        bool(standardise),
        _checks.integer("repeats", repeats, 1),
        None if confidence is None else float(confidence),
        _checks.optional_integer("bootstrap", bootstrap, 0),
    )
    return _result_of(raw)


def _result_of(raw: Dict[str, Any]) -> LsmiResult:
    """The :class:`LsmiResult` of the library's result dict."""
    summary = raw["summary"]
    return LsmiResult(
        **{k: raw[k] for k in PER_SAMPLE},
        units=raw["units"],
        summary=summary,
        warnings=list(summary.get("warnings", [])),
    )


def _score_options(adjust: bool, units: Optional[str], confidence: Optional[float],
                   bootstrap: Optional[int]) -> Dict[str, Any]:
    """The checked scoring keywords of :meth:`LsmiModels.score` for the library."""
    return dict(
        adjust=bool(adjust),
        units=units,
        confidence=None if confidence is None else float(confidence),
        bootstrap=_checks.optional_integer("bootstrap", bootstrap, 0),
    )


class LsmiModels:
    """LSMI's fitted models of two modalities: the classifiers of x1, x2 and (x1, x2),
    the KNIFE densities of x1 and x2 and the standardisers, from :func:`lsmi_fit`.

    Fit once, then :meth:`score` any labelled rows of the same widths — on this
    machine, or in shards on a Ray cluster with :func:`interplay.distributed.lsmi`
    (the models pickle as their file's bytes). :meth:`save` writes the same
    ``.safetensors`` file as ``interplay lsmi --save-models``, and :meth:`load` reads
    it (models of three or more modalities from the CLI can be loaded, but this
    package scores two).
    """

    def __init__(self, inner: Any):
        self._inner = inner

    @classmethod
    def load(cls, path: Any) -> "LsmiModels":
        """Read a models file (``ValueError`` when it is not one, naming what is wrong)."""
        return cls(_interplay.LsmiModels.load(str(path)))

    @classmethod
    def from_bytes(cls, data: bytes) -> "LsmiModels":
        """Models from the bytes of a models file."""
        return cls(_interplay.LsmiModels.from_bytes(bytes(data)))

    def save(self, path: Any) -> None:
        """Write the models to a ``.safetensors`` file (replaced only once complete)."""
        self._inner.save(str(path))

    def to_bytes(self) -> bytes:
        """The bytes of the models file."""
        return bytes(self._inner.to_bytes())

    @property
    def fingerprint(self) -> str:
        """A stable hash of the settings and every parameter."""
        return self._inner.fingerprint

    @property
    def dims(self) -> List[int]:
        """Feature widths of the modalities."""
        return list(self._inner.dims)

    @property
    def n_classes(self) -> int:
        """Number of classes of the classifiers."""
        return int(self._inner.n_classes)

    def score(
        self,
        x1: Any,
        x2: Any,
        y: Any,
        *,
        adjust: bool = True,
        units: Optional[str] = None,
        confidence: Optional[float] = None,
        bootstrap: Optional[int] = None,
    ) -> LsmiResult:
        """The per-sample atoms of ``(x1, x2, y)`` (as :func:`lsmi` returns them), from
        these models without fitting; the dataset-level shift (``adjust``) and the
        intervals are computed over these rows."""
        options = _score_options(adjust, units, confidence, bootstrap)
        return _result_of(_interplay.lsmi_score(self._inner, x1, x2, y, **options))

    def __repr__(self) -> str:
        return f"LsmiModels(dims={self.dims}, n_classes={self.n_classes}, fingerprint='{self.fingerprint}')"


def lsmi_fit(
    x1: Any,
    x2: Any,
    y: Any,
    *,
    prior: Optional[str] = None,
    seed: int = 0,
    epochs: Optional[int] = None,
    knife_epochs: Optional[int] = None,
    batch_size: Optional[int] = None,
    hidden: Optional[int] = None,
    standardise: bool = True,
    n_classes: Optional[int] = None,
) -> LsmiModels:
    """Fit LSMI's classifiers and densities on ``(x1, x2, y)`` and return them as
    :class:`LsmiModels`, to score other rows later (``models.score(...)``) or in shards
    on Ray (:func:`interplay.distributed.lsmi`) without fitting again.

    The options mean what they mean in :func:`lsmi`. ``n_classes`` widens the
    classifiers beyond the training labels' classes (``None``: the largest training
    label + 1); rows scored later must have labels below it. ``lsmi(x1, x2, y,
    x1_eval=..., ...)`` equals ``lsmi_fit(x1, x2, y, ...).score(x1_eval, ...)`` when the
    evaluation labels have no class the training labels lack.
    """
    inner = _interplay.lsmi_fit(
        x1,
        x2,
        y,
        prior,
        _checks.seed(seed),
        _checks.optional_integer("epochs", epochs, 1),
        _checks.optional_integer("knife_epochs", knife_epochs, 1),
        _checks.optional_integer("batch_size", batch_size, 1),
        _checks.optional_integer("hidden", hidden, 1),
        bool(standardise),
        _checks.optional_integer("n_classes", n_classes, 2),
    )
    return LsmiModels(inner)
