"""Type stubs of the compiled extension. Use the documented wrappers in ``interplay``
(``interplay.load``, ``interplay.lsmi``, ``interplay.intershap`` ...) rather than these."""

from typing import Any, Callable, Dict, List, Optional, Sequence, Union

import numpy as np

__version__: str

def load(path: str, format: Optional[str]) -> Dict[str, Dict[str, Any]]:
    """Read a dataset file: ``{split: {"modalities": [array], "labels": array | None, "extras": {}}}``."""

def intershap(
    model: Union[Callable[..., Any], str],
    inputs: Sequence[Any],
    background: Optional[Sequence[Any]],
    n_background: int,
    output: str,
    space: str,
    concat: bool,
    batch_size: Optional[int],
    seed: int,
    returns: str,
    modality_names: Optional[List[str]],
) -> Dict[str, Any]:
    """InterSHAP arrays (``phi``, ``shapley_values``, ``base_values``, ``predictions``, ``local``,
    ``classes``), ``global``, ``modality_names`` and the ``summary`` dict."""

def lsmi(
    x1: Any,
    x2: Any,
    y: Any,
    x1_eval: Any,
    x2_eval: Any,
    y_eval: Any,
    prior: str,
    adjust: bool,
    folds: Optional[int],
    seed: int,
    units: str,
    epochs: Optional[int],
    knife_epochs: Optional[int],
    batch_size: Optional[int],
    hidden: Optional[int],
) -> Dict[str, Any]:
    """Per-sample LSMI arrays (``redundancy`` … ``entropy_2``), ``units`` and the ``summary`` dict."""

def pid(
    joint: Any, x1: Any, x2: Any, y: Any, units: str, solver: str
) -> Dict[str, Any]:
    """BROJA atoms, the mutual informations, solver status and duality gap."""
