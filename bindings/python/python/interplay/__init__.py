"""interplay: measure how the modalities of a multimodal dataset or model interact.

A thin Python layer over the Rust library (no estimator logic lives in Python):

* :func:`load` reads a multimodal dataset file into a :class:`Dataset` of numpy arrays;
  :func:`gaussian`, :func:`hdxor` and :func:`pid_discrete` generate synthetic data with
  known answers.
* :func:`lsmi` gives per-sample redundancy, uniqueness and synergy (LSMI);
  :func:`lsmi_fit` fits its models once to score other rows later
  (:class:`LsmiModels`, :mod:`interplay.distributed` on Ray).
* :func:`intershap` gives the Shapley interaction share of a model (InterSHAP) for a
  Python callable, an ONNX file or a built-in model file.
* :func:`pid` gives the BROJA partial information decomposition.
* :func:`report` writes the HTML report page of LSMI and InterSHAP results;
  ``result.plot(kind=...)`` draws their figures with matplotlib.

Errors in the caller's input raise ``ValueError`` (or ``TypeError`` for a wrong kind of
argument) with the same one-line message as the ``interplay`` command line.
"""

from ._interplay import __version__
from ._data import Dataset, Split, load
from ._intershap import InterShapResult, intershap
from ._lsmi import LsmiModels, LsmiResult, lsmi, lsmi_fit
from ._pid import PidResult, pid
from ._report import report
from ._synth import gaussian, hdxor, pid_discrete
from ._uncertainty import Interval

__all__ = [
    "Interval",
    "__version__",
    "Dataset",
    "Split",
    "load",
    "InterShapResult",
    "intershap",
    "LsmiModels",
    "LsmiResult",
    "lsmi",
    "lsmi_fit",
    "PidResult",
    "pid",
    "report",
    "gaussian",
    "hdxor",
    "pid_discrete",
]
