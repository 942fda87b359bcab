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
    units: Optional[str] = None,
    solver: Optional[str] = None,
) -> Dict[str, Any]:
    """Decompose I(X1,X2;Y) into redundancy, two uniquenesses and synergy (BROJA).

    Give either ``joint``, a 3-D array ``p[x1, x2, y]`` of probabilities, or the three
    columns ``x1``, ``x2``, ``y`` of discrete codes (non-negative integers) from which the
    empirical joint is counted (codes are relabelled densely, so any integers work).
    Returns the PID report — the same document as ``interplay pid --json``
    (docs/schema/pid.schema.json): ``atoms`` (``redundancy``, ``uniqueness_1``,
    ``uniqueness_2``, ``synergy``) and ``mi`` (``x1_y``, ``x2_y``, ``x1x2_y``), all in
    ``units`` (``"nats"``, the default when ``None``, or ``"bits"``), the ``source``
    table's shape, and the ``solver``'s status and certified duality gap. ``solver`` is
    ``"newton"`` (the default when ``None``) or ``"clarabel"``. Invalid tables, codes
    or options raise ``ValueError``.
    """
    return _interplay.pid(joint, x1, x2, y, units, solver)
