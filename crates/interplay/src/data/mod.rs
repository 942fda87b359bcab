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
///
/// A `Split` is valid by construction: every way of making one ([`Split::new`],
/// [`Split::from_parts`], [`Split::with_extra`]) checks that there are at least two
/// modalities, that every array has the same N rows, that every feature value is
/// finite and that the labels are plausible class ids, so that estimators and
/// writers never meet a ragged split or a NaN, and every front end (files, the CLI,
/// Python arrays) is refused with the same messages. The fields are private so that
/// the checks cannot be bypassed; [`Split::into_parts`] gives the arrays back for
/// changes, and rebuilding checks them again.
#[derive(Debug, Clone, PartialEq)]
pub struct Split {
    /// One `N × d_m` matrix per modality, in modality order (modality 1 first).
    modalities: Vec<Array2<f32>>,
    /// Class labels `0..C`, one per sample, when the data is labelled.
    labels: Option<Vec<usize>>,
    /// Further per-sample arrays kept with the data (for example the latent bits
    /// of HD-XOR, under `bits`), each with N rows.
    extras: BTreeMap<String, Array2<f32>>,
}

/// The arrays of a split, unchecked: what [`Split::from_parts`] checks and
/// [`Split::into_parts`] gives back.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SplitParts {
    /// One `N × d_m` matrix per modality, in modality order (modality 1 first).
    pub modalities: Vec<Array2<f32>>,
    /// Class labels `0..C`, one per sample, when the data is labelled.
    pub labels: Option<Vec<usize>>,
    /// Further per-sample arrays by name, each with N rows.
    pub extras: BTreeMap<String, Array2<f32>>,
}

/// One array of a split, as error messages name it: the caller of
/// [`Split::from_parts`] says what its arrays are called (file keys, argument
/// names), so a refusal points at what the user wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part<'a> {
    /// The modality at this index (0-based: modality 1 is `Modality(0)`).
    Modality(usize),
    /// The class labels.
    Labels,
    /// The extra array of this name.
    Extra(&'a str),
}

impl Part<'_> {
    /// The name used when the caller gives none: `modality 1`, `the label array`,
    /// `extra array 'bits'`.
    pub fn default_name(self) -> String {
        match self {
            Part::Modality(k) => format!("modality {}", k + 1),
            Part::Labels => "the label array".to_string(),
            Part::Extra(name) => format!("extra array '{name}'"),
        }
    }
}

impl Split {
    /// A split from modality matrices and optional labels, checked as described on
    /// [`Split`]; errors name the arrays `modality k` and `the label array`.
    pub fn new(modalities: Vec<Array2<f32>>, labels: Option<Vec<usize>>) -> Result<Self> {
        let parts = SplitParts {
            modalities,
            labels,
            extras: BTreeMap::new(),
        };
        Split::from_parts(parts, &|p: Part<'_>| p.default_name())
    }

    /// A split from its arrays, checked as described on [`Split`], with errors that
    /// call each array what `name` says (for example the argument names of a
    /// Python call). Labels must be below [`validate::class_limit`] of the rows.
    pub fn from_parts(parts: SplitParts, name: &dyn Fn(Part<'_>) -> String) -> Result<Self> {
        let n = parts.modalities.first().map_or(0, |m| m.nrows());
        Split::checked(parts, name, validate::class_limit(n))
    }

    /// [`Split::from_parts`] with the class limit given: a file's splits share the
    /// limit of all its labelled rows, as its reader computed it.
    pub(crate) fn checked(
        parts: SplitParts,
        name: &dyn Fn(Part<'_>) -> String,
        class_limit: usize,
    ) -> Result<Self> {
        check_parts(&parts, name, class_limit)?;
        let SplitParts {
            modalities,
            labels,
            extras,
        } = parts;
        Ok(Split {
            modalities,
            labels,
            extras,
        })
    }

    /// The split with one more per-sample array kept under `name` (replacing one of
    /// that name), checked for its rows and finite values.
    pub fn with_extra(mut self, name: &str, array: Array2<f32>) -> Result<Self> {
        let part = Part::Extra(name);
        check_rows(&part.default_name(), array.nrows(), &self.row_reference())?;
        check_finite(&part.default_name(), &array)?;
        self.extras.insert(name.to_string(), array);
        Ok(self)
    }

    /// The arrays, for changes; [`Split::from_parts`] checks them again.
    pub fn into_parts(self) -> SplitParts {
        SplitParts {
            modalities: self.modalities,
            labels: self.labels,
            extras: self.extras,
        }
    }

    /// One `N × d_m` matrix per modality, in modality order (modality 1 first).
    pub fn modalities(&self) -> &[Array2<f32>] {
        &self.modalities
    }

    /// Class labels `0..C`, one per sample, when the data is labelled.
    pub fn labels(&self) -> Option<&[usize]> {
        self.labels.as_deref()
    }

    /// The further per-sample arrays by name.
    pub fn extras(&self) -> &BTreeMap<String, Array2<f32>> {
        &self.extras
    }

    /// The per-sample array kept under `name`, if there is one.
    pub fn extra(&self, name: &str) -> Option<&Array2<f32>> {
        self.extras.get(name)
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
    ///
    /// Not checked again: rows of a valid split are finite and their labels were
    /// accepted with the whole split, so the subset is valid too (its labels keep
    /// the class limit of the split they came from). Panics when an index is out
    /// of range, like indexing.
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

    /// What other arrays' row counts are compared with: modality 1's name and rows.
    fn row_reference(&self) -> (String, usize) {
        (Part::Modality(0).default_name(), self.len())
    }
}

/// Every check of [`Split::checked`], in the order a reader meets the problems:
/// the number of modalities, then rows, then values, then labels.
fn check_parts(
    parts: &SplitParts,
    name: &dyn Fn(Part<'_>) -> String,
    class_limit: usize,
) -> Result<()> {
    let m = parts.modalities.len();
    if m < 2 {
        return Err(Error::invalid(format!(
            "a multimodal split needs at least 2 modalities, found {m}"
        )));
    }
    let reference = (name(Part::Modality(0)), parts.modalities[0].nrows());
    for (k, a) in parts.modalities.iter().enumerate() {
        check_rows(&name(Part::Modality(k)), a.nrows(), &reference)?;
    }
    if let Some(l) = &parts.labels {
        check_rows(&name(Part::Labels), l.len(), &reference)?;
    }
    for (key, a) in &parts.extras {
        check_rows(&name(Part::Extra(key)), a.nrows(), &reference)?;
    }
    for (k, a) in parts.modalities.iter().enumerate() {
        check_finite(&name(Part::Modality(k)), a)?;
    }
    for (key, a) in &parts.extras {
        check_finite(&name(Part::Extra(key)), a)?;
    }
    if let Some(l) = &parts.labels {
        check_labels(&name(Part::Labels), l, class_limit)?;
    }
    Ok(())
}

/// An array of `what` with `rows` rows must have the rows of the reference.
fn check_rows(what: &str, rows: usize, (first, n): &(String, usize)) -> Result<()> {
    if rows == *n {
        return Ok(());
    }
    Err(Error::invalid(format!(
        "{what} has {rows} rows but {first} has {n}"
    )))
}

/// No NaN or ±Inf in `a`; the message is [`validate::non_finite`]'s.
fn check_finite(what: &str, a: &Array2<f32>) -> Result<()> {
    match validate::non_finite(a.iter().copied(), a.ncols()) {
        None => Ok(()),
        Some(problem) => Err(Error::invalid(format!("{what} {problem}"))),
    }
}

/// Every label a class id below `limit`, with [`validate::class_id`]'s message.
fn check_labels(what: &str, labels: &[usize], limit: usize) -> Result<()> {
    if let Some((row, &l)) = labels.iter().enumerate().find(|(_, &l)| l >= limit) {
        let msg = validate::class_id(l as f64, limit)
            .err()
            .unwrap_or_else(|| format!("is {l}, not below {limit}"));
        return Err(Error::invalid(format!("{what}: label at row {row} {msg}")));
    }
    Ok(())
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
            .filter_map(Split::labels)
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
                .flat_map(|p| p.labels().unwrap_or_default().iter().copied())
                .collect(),
        )
    } else {
        None
    };
    Split::new(modalities, labels)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    fn two() -> Vec<Array2<f32>> {
        vec![
            array![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]],
            array![[0.0], [1.0], [2.0]],
        ]
    }

    fn refusal(modalities: Vec<Array2<f32>>, labels: Option<Vec<usize>>) -> String {
        let err = Split::new(modalities, labels).unwrap_err();
        assert!(err.is_user_input(), "{err:?}");
        err.to_string()
    }

    #[test]
    fn a_valid_split_keeps_its_arrays() {
        let s = Split::new(two(), Some(vec![0, 1, 0])).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.dims(), [2, 1]);
        assert_eq!(s.labels(), Some(&[0, 1, 0][..]));
        assert_eq!(s.modalities(), &two()[..]);
        let s = s.with_extra("bits", Array2::zeros((3, 4))).unwrap();
        assert_eq!(s.extra("bits").map(|a| a.dim()), Some((3, 4)));
        let parts = s.clone().into_parts();
        let back = Split::from_parts(parts, &|p: Part<'_>| p.default_name()).unwrap();
        assert_eq!(back, s);
    }

    #[test]
    fn nan_and_inf_are_refused_with_the_first_place() {
        let mut m = two();
        m[0][[1, 1]] = f32::NAN;
        m[0][[2, 0]] = f32::NAN;
        assert_eq!(
            refusal(m, None),
            "modality 1 has 2 non-finite values (NaN/Inf); the first is NaN at row 1, column 1"
        );
        let mut m = two();
        m[1][[2, 0]] = f32::NEG_INFINITY;
        assert_eq!(
            refusal(m, Some(vec![0, 1, 1])),
            "modality 2 has 1 non-finite value (NaN/Inf); the first is -inf at row 2, column 0"
        );
    }

    #[test]
    fn a_non_finite_extra_is_refused() {
        let s = Split::new(two(), None).unwrap();
        let err = s
            .with_extra("bits", array![[0.0], [f32::INFINITY], [1.0]])
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra array 'bits' has 1 non-finite value (NaN/Inf); the first is inf at row 1, column 0"
        );
    }

    #[test]
    fn rows_that_differ_are_refused() {
        let mut m = two();
        m[1] = Array2::zeros((2, 1));
        assert_eq!(
            refusal(m, None),
            "modality 2 has 2 rows but modality 1 has 3"
        );
        assert_eq!(
            refusal(two(), Some(vec![0, 1])),
            "the label array has 2 rows but modality 1 has 3"
        );
        let s = Split::new(two(), None).unwrap();
        let err = s.with_extra("bits", Array2::zeros((4, 1))).unwrap_err();
        assert_eq!(
            err.to_string(),
            "extra array 'bits' has 4 rows but modality 1 has 3"
        );
    }

    #[test]
    fn one_modality_is_refused() {
        let m = vec![Array2::zeros((3, 2))];
        assert_eq!(
            refusal(m, None),
            "a multimodal split needs at least 2 modalities, found 1"
        );
        assert!(refusal(Vec::new(), None).contains("found 0"));
    }

    #[test]
    fn labels_beyond_the_class_limit_are_refused() {
        let limit = validate::class_limit(3);
        let msg = refusal(two(), Some(vec![0, limit, 1]));
        assert!(
            msg.starts_with(
                "the label array: label at row 1 is 1024, far beyond the number of labelled rows"
            ),
            "{msg}"
        );
        assert!(Split::new(two(), Some(vec![0, limit - 1, 1])).is_ok());
    }

    #[test]
    fn messages_use_the_callers_names() {
        let mut m = two();
        m[1][[0, 0]] = f32::NAN;
        let parts = SplitParts {
            modalities: m,
            ..SplitParts::default()
        };
        let name = |p: Part<'_>| match p {
            Part::Modality(k) => format!("x{}", k + 1),
            other => other.default_name(),
        };
        let err = Split::from_parts(parts, &name).unwrap_err();
        assert!(
            err.to_string().starts_with("x2 has 1 non-finite value"),
            "{err}"
        );
    }

    #[test]
    fn selected_rows_keep_labels_and_extras() {
        let s = Split::new(two(), Some(vec![0, 1, 2]))
            .unwrap()
            .with_extra("e", array![[10.0], [11.0], [12.0]])
            .unwrap();
        let t = s.select(&[2, 0]);
        assert_eq!(t.labels(), Some(&[2, 0][..]));
        assert_eq!(t.modalities()[1], array![[2.0], [0.0]]);
        assert_eq!(t.extra("e").unwrap(), &array![[12.0], [10.0]]);
    }
}
