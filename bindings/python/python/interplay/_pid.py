"""PID: the BROJA partial information decomposition of discrete data."""

from __future__ import annotations

from typing import Any, Dict, Optional

from . import _interplay

__all__ = ["pid"]


def pid(
    joint: Any = None,
    *,
    x1: Any = None,
    x2: Any = None,
    y: Any = None,
    units: str = "nats",
    solver: str = "newton",
) -> Dict[str, Any]:
    """Decompose I(X1,X2;Y) into redundancy, two uniquenesses and synergy (BROJA).

    Give either ``joint``, a 3-D array ``p[x1, x2, y]`` of probabilities, or the three
    columns ``x1``, ``x2``, ``y`` of discrete codes (non-negative integers) from which the
    empirical joint is counted. Returns a dict with ``redundancy``, ``uniqueness_1``,
    ``uniqueness_2``, ``synergy``, the mutual informations ``mi_x1_y``, ``mi_x2_y``,
    ``mi_x1x2_y`` (all in ``units``: ``"nats"`` or ``"bits"``), the solver ``status``
    and the certified ``duality_gap``. ``solver`` is ``"newton"`` (default) or
    ``"clarabel"``. Invalid tables or codes raise ``ValueError``.
    """
    return _interplay.pid(joint, x1, x2, y, units, solver)
