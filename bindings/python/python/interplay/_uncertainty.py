"""Confidence intervals as the library reports them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

__all__ = ["Interval"]


@dataclass(frozen=True)
class Interval:
    """A two-sided confidence interval of one reported quantity, in its units.

    Attributes
    ----------
    lower, upper:
        The bounds.
    std_err:
        Standard error of the estimate (standard deviation of the bootstrap
        replicates for a bootstrap interval).
    level:
        Confidence level, e.g. 0.95.
    method:
        How it was obtained: ``bootstrap-rows``, ``bootstrap-rows-background``,
        ``normal-rows``, ``normal-rows-repeats`` …, as in the JSON report.
    """

    lower: float
    upper: float
    std_err: float
    level: float
    method: str

    @classmethod
    def from_summary(cls, d: Optional[Mapping[str, Any]]) -> Optional["Interval"]:
        """The interval of a report's interval object (``None`` stays ``None``)."""
        if not d:
            return None
        return cls(
            lower=float(d["lower"]),
            upper=float(d["upper"]),
            std_err=float(d["std_err"]),
            level=float(d["level"]),
            method=str(d["method"]),
        )

    def __contains__(self, value: float) -> bool:
        return self.lower <= value <= self.upper

    @property
    def half_width(self) -> float:
        """Half the width of the interval."""
        return (self.upper - self.lower) / 2.0

    def format_percent(self, fraction: float, decimals: int = 2) -> str:
        """``97.10 % [96.40, 97.80]`` for a fraction and its interval."""
        return (
            f"{100 * fraction:.{decimals}f} % "
            f"[{100 * self.lower:.{decimals}f}, {100 * self.upper:.{decimals}f}]"
        )
