"""Datasets: named splits of M modality matrices, labels and extra per-sample arrays."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Union

import numpy as np

from . import _interplay

__all__ = ["Dataset", "Split", "load"]

_SPLIT_ORDER = ("train", "val", "test")


@dataclass
class Split:
    """One split: the same N samples seen through every modality.

    ``modalities[k]`` is an ``N × d_k`` float32 array (modality ``k + 1``), ``labels``
    an int64 array of class labels ``0..C-1`` (or ``None`` for unlabelled data), and
    ``extras`` further per-sample arrays (e.g. the latent ``bits`` of HD-XOR).
    """

    modalities: List[np.ndarray]
    labels: Optional[np.ndarray] = None
    extras: Dict[str, np.ndarray] = field(default_factory=dict)

    def __len__(self) -> int:
        return int(self.modalities[0].shape[0]) if self.modalities else 0

    @property
    def n_modalities(self) -> int:
        """Number of modalities M."""
        return len(self.modalities)

    @property
    def dims(self) -> List[int]:
        """Feature width of every modality."""
        return [int(m.shape[1]) for m in self.modalities]


@dataclass
class Dataset:
    """A multimodal dataset: splits (``train``, ``val``, ``test``, …) over the same modalities.

    Index it by split name (``ds["train"]``) or iterate over :attr:`names`.
    """

    splits: Dict[str, Split]

    @property
    def names(self) -> List[str]:
        """Split names, ``train``, ``val``, ``test`` first, then the rest alphabetically."""
        known = [s for s in _SPLIT_ORDER if s in self.splits]
        return known + sorted(s for s in self.splits if s not in _SPLIT_ORDER)

    def __getitem__(self, name: str) -> Split:
        try:
            return self.splits[name]
        except KeyError:
            raise KeyError(
                f"no split named '{name}' (splits: {', '.join(self.names)})"
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self.splits

    def __iter__(self):
        return iter(self.names)

    @property
    def n_modalities(self) -> int:
        """Number of modalities M."""
        first = next(iter(self.splits.values()), None)
        return first.n_modalities if first is not None else 0

    @property
    def dims(self) -> List[int]:
        """Feature width of every modality."""
        first = next(iter(self.splits.values()), None)
        return first.dims if first is not None else []

    @property
    def n_classes(self) -> Optional[int]:
        """One more than the largest label in any split, or ``None`` when unlabelled."""
        tops = [int(s.labels.max()) for s in self.splits.values() if s.labels is not None and len(s.labels)]
        return max(tops) + 1 if tops else None


def _from_raw(raw: Dict[str, dict]) -> Dataset:
    return Dataset(
        {
            name: Split(list(s["modalities"]), s["labels"], dict(s["extras"]))
            for name, s in raw.items()
        }
    )


def load(
    path: Union[str, "os.PathLike[str]"],
    *,
    format: Optional[str] = None,
    modalities: Optional[Sequence[str]] = None,
    label: Optional[str] = None,
    split_column: Optional[str] = None,
    split_name: str = "train",
) -> Dataset:
    """Read a multimodal dataset file (``.pt``, ``.npz``, ``.npy`` folder, ``.safetensors``, CSV).

    Keys follow the LSMI layout ``{split}_modal_{k}_features`` / ``{split}_targets``. The
    format is guessed from the file unless ``format`` names it. A CSV file needs the
    column spec of the CLI's flags: ``modalities=["1=f0:f9", "2=f10:f19"]`` (one
    ``K=FIRST:LAST`` range list per modality), ``label`` (the label column),
    ``split_column`` (a column naming each row's split) or ``split_name`` (the split of
    every row). Raises ``ValueError`` with the same one-line message as the CLI when
    the file is missing or malformed.
    """
    if isinstance(modalities, str):
        raise TypeError("modalities must be a list of 'K=FIRST:LAST' strings, one per modality")
    return _from_raw(
        _interplay.load(
            os.fspath(path),
            format,
            None if modalities is None else [str(m) for m in modalities],
            label,
            split_column,
            split_name,
        )
    )
