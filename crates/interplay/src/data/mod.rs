//! The data model: a dataset of M ≥ 2 modalities, each an `N × d_m` matrix of f32
//! features, optional integer class labels `0..C`, and named splits.
//!
//! Readers and writers for `.pt`, `.npz`/`.npy`, `.safetensors` and CSV live in
//! submodules; all of them produce and consume [`Dataset`], and all of them use
//! the key layout of the LSMI reference code generalised to M modalities:
//! `{split}_modal_{k}_features` (k = 1..M) and `{split}_targets`.

use ndarray::{Array2, ArrayView2};
use std::collections::BTreeMap;

use crate::{Error, Result};

mod archive;
pub mod csv;
pub mod format;
pub mod keys;
pub mod limits;
pub mod npy;
pub mod npy_dir;
pub mod npz;
#[cfg(feature = "parquet")]
pub mod parquet;
pub mod pickle;
pub mod pt;
pub mod read;
pub mod safetensors;
pub mod tensor;
pub mod validate;
pub mod write;

pub use self::csv::{ColumnRange, CsvSpec, ModalitySpec};
pub use format::Format;
pub use keys::{KeyInfo, KeyRole};
pub use read::{read, read_arrays_from_bytes, read_with_info, ReadInfo, ReadOptions};
pub use tensor::{DType, RawTensor};
pub use write::write;

/// The conventional split names, in the order they are listed and written.
pub const SPLIT_ORDER: [&str; 3] = ["train", "val", "test"];

/// One split of a dataset: the same N samples seen through every modality.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// One `N × d_m` matrix per modality, in modality order (modality 1 first).
    pub modalities: Vec<Array2<f32>>,
    /// Class labels `0..C`, one per sample, when the data is labelled.
    pub labels: Option<Vec<usize>>,
    /// Further per-sample arrays kept with the data (for example the latent bits
    /// of HD-XOR, under `bits`), each with N rows.
    pub extras: BTreeMap<String, Array2<f32>>,
}

impl Split {
    /// A split from modality matrices and optional labels, checked for consistent
    /// row counts.
    pub fn new(modalities: Vec<Array2<f32>>, labels: Option<Vec<usize>>) -> Result<Self> {
        let split = Split {
            modalities,
            labels,
            extras: BTreeMap::new(),
        };
        split.check_shapes()?;
        Ok(split)
    }

    /// Number of samples (rows).
    pub fn len(&self) -> usize {
        self.modalities.first().map_or(0, |m| m.nrows())
    }

    /// Whether the split has no samples.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Number of modalities.
    pub fn n_modalities(&self) -> usize {
        self.modalities.len()
    }

    /// Feature width of every modality.
    pub fn dims(&self) -> Vec<usize> {
        self.modalities.iter().map(|m| m.ncols()).collect()
    }

    /// Views of every modality, in order.
    pub fn views(&self) -> Vec<ArrayView2<'_, f32>> {
        self.modalities.iter().map(|m| m.view()).collect()
    }

    /// The labels, or an error naming `what` needs them.
    pub fn require_labels(&self, what: &str) -> Result<&[usize]> {
        self.labels.as_deref().ok_or_else(|| {
            Error::invalid(format!("{what} needs class labels, but the split has none"))
        })
    }

    /// The rows `idx` of every modality, label and extra, in the given order.
    pub fn select(&self, idx: &[usize]) -> Split {
        let take = |m: &Array2<f32>| m.select(ndarray::Axis(0), idx);
        Split {
            modalities: self.modalities.iter().map(take).collect(),
            labels: self
                .labels
                .as_ref()
                .map(|l| idx.iter().map(|&i| l[i]).collect()),
            extras: self
                .extras
                .iter()
                .map(|(k, v)| (k.clone(), take(v)))
                .collect(),
        }
    }

    /// Check that every modality, the labels and the extras have the same number of
    /// rows and that there are at least two modalities.
    pub fn check_shapes(&self) -> Result<()> {
        if self.modalities.len() < 2 {
            return Err(Error::invalid(format!(
                "a multimodal split needs at least 2 modalities, found {}",
                self.modalities.len()
            )));
        }
        let n = self.len();
        for (k, m) in self.modalities.iter().enumerate() {
            if m.nrows() != n {
                return Err(Error::invalid(format!(
                    "modality {} has {} rows but modality 1 has {n}",
                    k + 1,
                    m.nrows()
                )));
            }
        }
        if let Some(l) = &self.labels {
            if l.len() != n {
                return Err(Error::invalid(format!(
                    "there are {} labels but {n} rows of features",
                    l.len()
                )));
            }
        }
        for (name, v) in &self.extras {
            if v.nrows() != n {
                return Err(Error::invalid(format!(
                    "extra array '{name}' has {} rows but the features have {n}",
                    v.nrows()
                )));
            }
        }
        Ok(())
    }
}

/// A multimodal dataset: named splits over the same modalities.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Dataset {
    /// The splits by name (`train`, `val`, `test`, or any other name).
    pub splits: BTreeMap<String, Split>,
}

impl Dataset {
    /// A dataset with a single split.
    pub fn single(name: &str, split: Split) -> Self {
        let mut splits = BTreeMap::new();
        splits.insert(name.to_string(), split);
        Dataset { splits }
    }

    /// Split names, conventional ones (train, val, test) first, then the rest
    /// alphabetically.
    pub fn split_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = SPLIT_ORDER
            .iter()
            .copied()
            .filter(|s| self.splits.contains_key(*s))
            .collect();
        names.extend(
            self.splits
                .keys()
                .map(String::as_str)
                .filter(|s| !SPLIT_ORDER.contains(s)),
        );
        names
    }

    /// The split called `name`, or an error listing the splits there are.
    pub fn split(&self, name: &str) -> Result<&Split> {
        self.splits.get(name).ok_or_else(|| {
            Error::invalid(format!(
                "no split named '{name}' (splits: {})",
                self.split_names().join(", ")
            ))
        })
    }

    /// Number of modalities (taken from the first split).
    pub fn n_modalities(&self) -> usize {
        self.splits.values().next().map_or(0, Split::n_modalities)
    }

    /// Feature widths of the modalities (taken from the first split).
    pub fn dims(&self) -> Vec<usize> {
        self.splits
            .values()
            .next()
            .map_or_else(Vec::new, Split::dims)
    }

    /// Number of classes: one more than the largest label in any split, or `None`
    /// when the data is unlabelled.
    pub fn n_classes(&self) -> Option<usize> {
        self.splits
            .values()
            .filter_map(|s| s.labels.as_ref())
            .flat_map(|l| l.iter().copied())
            .max()
            .map(|m| m + 1)
    }

    /// All splits concatenated in [`Dataset::split_names`] order, for estimators
    /// that evaluate on everything (`--split all`).
    pub fn concat_all(&self) -> Result<Split> {
        let names = self.split_names();
        let parts: Vec<&Split> = names.iter().map(|n| &self.splits[*n]).collect();
        concat_splits(&parts)
    }
}

/// Stack splits with the same modalities row-wise.
pub fn concat_splits(parts: &[&Split]) -> Result<Split> {
    let first = parts
        .first()
        .ok_or_else(|| Error::invalid("no splits to concatenate"))?;
    let m = first.n_modalities();
    let mut modalities = Vec::with_capacity(m);
    for k in 0..m {
        let views: Vec<ArrayView2<f32>> = parts
            .iter()
            .map(|p| {
                p.modalities
                    .get(k)
                    .map(|a| a.view())
                    .ok_or_else(|| Error::invalid("splits have different numbers of modalities"))
            })
            .collect::<Result<_>>()?;
        let stacked = ndarray::concatenate(ndarray::Axis(0), &views).map_err(|_| {
            Error::invalid(format!(
                "modality {} has different widths across splits",
                k + 1
            ))
        })?;
        modalities.push(stacked);
    }
    let labels = if parts.iter().all(|p| p.labels.is_some()) {
        Some(
            parts
                .iter()
                .flat_map(|p| p.labels.as_ref().unwrap().iter().copied())
                .collect(),
        )
    } else {
        None
    };
    Split::new(modalities, labels)
}
