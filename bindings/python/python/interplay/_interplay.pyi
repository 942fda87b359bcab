"""Type stubs of the compiled extension. Use the documented wrappers in ``interplay``
(``interplay.load``, ``interplay.lsmi``, ``interplay.intershap`` ...) rather than these.
An option passed as ``None`` takes the library's default."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np

__version__: str

def load(
    path: str,
    format: Optional[str],
    modalities: Optional[List[str]] = None,
    label: Optional[str] = None,
    split_column: Optional[str] = None,
    split_name: Optional[str] = None,
) -> Dict[str, Dict[str, Any]]:
    """Read a dataset file: ``{split: {"modalities": [array], "labels": array | None, "extras": {}}}``."""

def intershap(
    model: Union[Callable[..., Any], str],
    inputs: Sequence[Any],
    background: Optional[Sequence[Any]],
    n_background: Optional[str],
    output: Optional[str],
    space: Optional[str],
    concat: bool,
    batch_size: Optional[int],
    seed: int,
    returns: str,
    modality_names: Optional[List[str]],
    confidence: Optional[float],
    bootstrap: Optional[int],
    ci_target: Optional[float],
    labels: Optional[Any],
    shard: Optional[Tuple[int, int]] = None,
) -> Dict[str, Any]:
    """InterSHAP arrays (``phi``, ``shapley_values``, ``base_values``, ``predictions``, ``local``,
    ``classes``, ``local_std_err`` when sampled), ``global``, ``modality_names`` and the
    ``summary`` dict; with ``shard=(i, n)`` only ``{"partial": bytes}``, shard i of n as JSON."""

def intershap_merge(parts: List[bytes], modality_names: Optional[List[str]] = None) -> Dict[str, Any]:
    """The dict ``intershap`` returns, from the partials of every shard of one run."""

def lsmi(
    x1: Any,
    x2: Any,
    y: Any,
    x1_eval: Any,
    x2_eval: Any,
    y_eval: Any,
    prior: Optional[str],
    adjust: bool,
    folds: Optional[int],
    seed: int,
    units: Optional[str],
    epochs: Optional[int],
    knife_epochs: Optional[int],
    batch_size: Optional[int],
    hidden: Optional[int],
    standardise: bool = True,
    repeats: int = 1,
    confidence: Optional[float] = None,
    bootstrap: Optional[int] = None,
) -> Dict[str, Any]:
    """Per-sample LSMI arrays (``redundancy`` … ``entropy_2``) of the first fit, ``units`` and the ``summary`` dict (intervals, repeats, warnings)."""

class LsmiModels:
    """Fitted LSMI models (classifiers, KNIFE densities, standardisers); pickles as its file's bytes."""

    @staticmethod
    def from_bytes(data: bytes) -> "LsmiModels": ...
    @staticmethod
    def load(path: str) -> "LsmiModels": ...
    def to_bytes(self) -> bytes: ...
    def save(self, path: str) -> None: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def dims(self) -> List[int]: ...
    @property
    def n_classes(self) -> int: ...

def lsmi_fit(
    x1: Any,
    x2: Any,
    y: Any,
    prior: Optional[str],
    seed: int,
    epochs: Optional[int],
    knife_epochs: Optional[int],
    batch_size: Optional[int],
    hidden: Optional[int],
    standardise: bool,
    n_classes: Optional[int],
) -> LsmiModels:
    """LSMI's models fitted on ``(x1, x2, y)``."""

def lsmi_score(
    models: LsmiModels,
    x1: Any,
    x2: Any,
    y: Any,
    adjust: bool,
    units: Optional[str],
    confidence: Optional[float],
    bootstrap: Optional[int],
    shard: Optional[Tuple[int, int]] = None,
) -> Dict[str, Any]:
    """The dict ``lsmi`` returns, from saved models; with ``shard=(i, n)`` only ``{"partial": bytes}``."""

def lsmi_merge(parts: List[bytes]) -> Dict[str, Any]:
    """The dict ``lsmi_score`` returns, from the partials of every shard of one run."""

def pid(
    joint: Any,
    x1: Any,
    x2: Any,
    y: Any,
    units: Optional[str],
    solver: Optional[str],
    shuffles: Optional[int],
    seed: Optional[int],
) -> Dict[str, Any]:
    """BROJA atoms, the mutual informations, solver status, duality gap, shuffle null and warnings."""

def render_report(
    title: str,
    lsmi_summary: Optional[str],
    lsmi_atoms: Optional[List[List[float]]],
    intershap_summary: Optional[str],
    intershap_values: Optional[Tuple[List[float], int, List[float], List[float], List[float]]],
    samples: List[int],
) -> str:
    """The library's self-contained HTML report page of the given results."""

def figure_data(
    lsmi_summary: Optional[str],
    lsmi_atoms: Optional[List[List[float]]],
    intershap_summary: Optional[str],
    intershap_values: Optional[Tuple[List[float], int, List[float], List[float], List[float]]],
    samples: List[int],
) -> str:
    """The report's figures (id, title, caption, data) as a JSON list."""

def generate_gaussian(
    n_train: Optional[int],
    n_val: Optional[int],
    rho: Optional[float],
    sigma: Optional[float],
    n_classes: Optional[int],
    seed: int,
) -> Dict[str, Dict[str, Any]]:
    """The LSMI Gaussian demo as a raw dataset dict (see ``load``)."""

def generate_hdxor(
    setting: Optional[str],
    n_modalities: Optional[int],
    dims: Optional[List[int]],
    latent_dim: Optional[int],
    n_samples: Optional[int],
    seed: int,
) -> Dict[str, Dict[str, Any]]:
    """HD-XOR as a raw dataset dict (see ``load``)."""

def generate_pid_discrete(
    name: Optional[str],
    n_train: Optional[int],
    n_val: Optional[int],
    n_test: Optional[int],
    seed: int,
) -> Dict[str, Dict[str, Any]]:
    """Samples of a canonical discrete PID distribution as a raw dataset dict."""
