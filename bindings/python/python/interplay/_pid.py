"""PID: the BROJA partial information decomposition of discrete data."""

from __future__ import annotations

from typing import Any, Dict, List, Optional

from . import _interplay

__all__ = ["PidResult", "pid"]


class PidResult(Dict[str, Any]):
    """The PID report: a ``dict`` (the document of ``interplay pid --json``,
    docs/schema/pid.schema.json) with two attributes for what it warns about.

    * :attr:`warnings`: the report's ``"warnings"``, a list of str — e.g. an atom that
      is more than half of I(X1,X2;Y) but not significant against shuffled labels
      ("… is what random labels give at this sample size").
    * :attr:`null`: the report's ``"null"``, the label-shuffle null of a PID from
      samples, or ``None`` for a given ``joint`` table (nothing to shuffle) and with
      ``shuffles=0``. It holds ``shuffles`` (K), ``alpha`` (the significance level of
      the flags, 0.05, not a confidence level), ``inaccurate`` (shuffles whose solve
      ended inaccurate) and, for each of ``redundancy``, ``uniqueness_1``,
      ``uniqueness_2``, ``synergy``, ``mi_x1_y``, ``mi_x2_y`` and ``mi_x1x2_y``, a dict
      with ``observed`` (the estimate), ``null_mean`` (its mean over K shuffles: the
      plug-in bias when the labels carry nothing), ``corrected`` (observed − null_mean),
      ``p_value`` ((1 + #{null ≥ observed}) / (K + 1)) and ``significant``
      (``p_value < alpha``).
    """

    @property
    def warnings(self) -> List[str]:
        """Conditions under which the numbers may mean little."""
        return list(self.get("warnings", []))

    @property
    def null(self) -> Optional[Dict[str, Any]]:
        """The label-shuffle null (see the class docstring), or ``None``."""
        return self.get("null")


def pid(
    joint: Any = None,
    *,
    x1: Any = None,
    x2: Any = None,
    y: Any = None,
    units: Optional[str] = None,
    solver: Optional[str] = None,
    shuffles: Optional[int] = None,
    seed: Optional[int] = None,
) -> PidResult:
    """Decompose I(X1,X2;Y) into redundancy, two uniquenesses and synergy (BROJA).

    Give either ``joint``, a 3-D array ``p[x1, x2, y]`` of probabilities, or the three
    columns ``x1``, ``x2``, ``y`` of discrete codes (non-negative integers) from which the
    empirical joint is counted (codes are relabelled densely, so any integers work).
    Returns a :class:`PidResult`, the PID report — the same document as
    ``interplay pid --json`` (docs/schema/pid.schema.json): ``atoms`` (``redundancy``,
    ``uniqueness_1``, ``uniqueness_2``, ``synergy``) and ``mi`` (``x1_y``, ``x2_y``,
    ``x1x2_y``), all in ``units`` (``"nats"``, the default when ``None``, or ``"bits"``),
    the ``source`` table's shape, the ``solver``'s status and certified duality gap,
    ``null`` and ``warnings``. ``solver`` is ``"newton"`` (the default when ``None``) or
    ``"clarabel"``.

    With samples, ``y`` is permuted ``shuffles`` times (``None``: the library default,
    200; ``0``: off; otherwise at least 20, so that p < 0.05 is reachable), each
    shuffle seeded from ``seed`` (``None``: 0) on its own stream, and every atom is
    reported against that null (:attr:`PidResult.null`). Invalid tables, codes or
    options raise ``ValueError``.
    """
    return PidResult(_interplay.pid(joint, x1, x2, y, units, solver, shuffles, seed))
