"""Synthetic datasets with known answers, to check every estimator."""

from __future__ import annotations

from typing import Optional, Sequence

from . import _checks, _interplay
from ._data import Dataset, _from_raw

__all__ = ["gaussian", "hdxor", "pid_discrete"]


def gaussian(
    *,
    n_train: Optional[int] = None,
    n_val: Optional[int] = None,
    rho: Optional[float] = None,
    sigma: Optional[float] = None,
    n_classes: Optional[int] = None,
    seed: int = 0,
) -> Dataset:
    """The LSMI Gaussian demo: two modalities of width ``n_classes`` whose means depend on
    the label, with noise of standard deviation ``sigma`` correlated ``rho`` across them.
    Splits ``train`` and ``val`` (left out when ``n_val=0``). Reproducible from ``seed``.
    ``None`` keeps the library's default, the LSMI demo's: ``n_train=1600``,
    ``n_val=400``, ``rho=0.5``, ``sigma=0.5``, ``n_classes=2``."""
    return _from_raw(
        _interplay.generate_gaussian(
            _checks.optional_integer("n_train", n_train, 1),
            _checks.optional_integer("n_val", n_val),
            None if rho is None else float(rho),
            None if sigma is None else float(sigma),
            _checks.optional_integer("n_classes", n_classes, 2),
            _checks.seed(seed),
        )
    )


def hdxor(
    setting: Optional[str] = None,
    *,
    n_modalities: Optional[int] = None,
    dims: Optional[Sequence[int]] = None,
    latent_dim: Optional[int] = None,
    n_samples: Optional[int] = None,
    seed: int = 0,
) -> Dataset:
    """HD-XOR (the InterSHAP paper's controlled test): ``setting`` is ``"synergy"``,
    ``"redundancy"``, ``"uniqueness1"``, ``"uniqueness2"``… or ``"random"``. Each modality
    is a fixed random projection of a latent; splits ``train``/``val``/``test`` (70/15/15,
    stratified); the latent label bits are kept in ``split.extras["bits"]``. ``None``
    keeps the library's default, the paper's: ``setting="synergy"``, ``n_modalities=2``,
    ``latent_dim=200``, ``n_samples=20000``."""
    return _from_raw(
        _interplay.generate_hdxor(
            setting,
            _checks.optional_integer("n_modalities", n_modalities, 2),
            None if dims is None else [_checks.integer("dims[]", d, 1) for d in dims],
            _checks.optional_integer("latent_dim", latent_dim, 2),
            _checks.optional_integer("n_samples", n_samples, 2),
            _checks.seed(seed),
        )
    )


def pid_discrete(
    name: Optional[str] = None,
    *,
    n_train: Optional[int] = None,
    n_val: Optional[int] = None,
    n_test: Optional[int] = None,
    seed: int = 0,
) -> Dataset:
    """Samples of a canonical discrete distribution with an exact PID (``"XOR"``, ``"AND"``,
    ``"RDN"``, ``"UNQ1"``, ``"COPY"``, …), each variable one-hot encoded. An unknown name raises ``ValueError``
    listing the known ones. ``None`` keeps the library's default: 1000 training samples of
    ``"XOR"``, no ``val`` or ``test`` split."""
    return _from_raw(
        _interplay.generate_pid_discrete(
            name,
            _checks.optional_integer("n_train", n_train),
            _checks.optional_integer("n_val", n_val),
            _checks.optional_integer("n_test", n_test),
            _checks.seed(seed),
        )
    )
