"""``interplay.report``: the HTML report page of Python results.

The page is drawn by the Rust library (the same code as ``interplay report`` on the
command line); this module only hands it the results' summaries and per-sample
arrays and writes the text atomically.
"""

from __future__ import annotations

import os
import tempfile
from typing import Optional, Sequence, Union

import numpy as np

from . import _interplay
from ._intershap import InterShapResult
from ._lsmi import LsmiResult

__all__ = ["report", "payload"]


def _as_list(a) -> list:
    return np.asarray(a, dtype=np.float64).ravel().tolist()


def payload(lsmi: Optional[LsmiResult], intershap: Optional[InterShapResult]) -> tuple:
    """The results as the library's renderer takes them: each summary as JSON text and
    the per-sample values as flat lists."""
    import json  # noqa: PLC0415

    lsmi_atoms = None
    if lsmi is not None:
        lsmi_atoms = [_as_list(getattr(lsmi, k)) for k in ("redundancy", "uniqueness_1", "uniqueness_2", "synergy")]
    values = None
    if intershap is not None:
        phi = np.asarray(intershap.phi, dtype=np.float64)
        values = (
            phi.ravel().tolist(),
            int(phi.shape[1]),
            _as_list(intershap.base_values),
            _as_list(intershap.predictions),
            _as_list(intershap.local),
        )
    return (
        None if lsmi is None else json.dumps(lsmi.summary),
        lsmi_atoms,
        None if intershap is None else json.dumps(intershap.summary),
        values,
    )


def report(
    path: Union[str, "os.PathLike[str]"],
    *,
    lsmi: Optional[LsmiResult] = None,
    intershap: Optional[InterShapResult] = None,
    samples: Optional[Sequence[int]] = None,
    title: str = "interplay report",
) -> str:
    """Write one self-contained HTML page (inline SVG figures, no script, no network)
    with the figures of ``lsmi`` and/or ``intershap`` and return its path.

    ``samples`` picks the samples (row positions of ``intershap``'s inputs) whose
    waterfalls are drawn; by default those of highest and lowest local interaction.
    The file appears only once complete (written to a temporary file and renamed).

    Raises
    ------
    ValueError
        Neither result is given, a sample index was not explained, or ``path`` does
        not end in ``.html``.
    """
    if lsmi is None and intershap is None:
        raise ValueError("give an LsmiResult (lsmi=...) and/or an InterShapResult (intershap=...)")
    path = os.fspath(path)
    if not path.lower().endswith(".html"):
        raise ValueError(f"path must end in .html, got {path!r}")
    html = _interplay.render_report(str(title), *payload(lsmi, intershap), [int(s) for s in (samples or [])])
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".interplay-", suffix=".html", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(html)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return path
