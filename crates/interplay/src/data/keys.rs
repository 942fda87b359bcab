//! The key layout shared by every format, generalised from the LSMI reference code
//! to M modalities: `{split}_modal_{k}_features` (k = 1..M), `{split}_targets`,
//! and extras `{split}_{name}`. This module turns a file's named arrays into a
//! [`Dataset`] (checking that the keys fit together) and back.

use ndarray::Array2;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use super::tensor::{DType, RawTensor};
use super::validate;
use super::{Dataset, Part, Split, SplitParts};
use crate::{Error, Result};

/// The key of modality `k` (1-based) of a split.
pub fn features_key(split: &str, k: usize) -> String {
    format!("{split}_modal_{k}_features")
}

/// The key of the class labels of a split.
pub fn targets_key(split: &str) -> String {
    format!("{split}_targets")
}

/// The key of an extra per-sample array of a split.
pub fn extra_key(split: &str, name: &str) -> String {
    format!("{split}_{name}")
}

/// What a key of a file was used for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyRole {
    /// Features of modality `modality` (1-based) of `split`.
    Features {
        /// The split name.
        split: String,
        /// 1-based modality number.
        modality: usize,
    },
    /// Class labels of `split`.
    Targets {
        /// The split name.
        split: String,
    },
    /// A further per-sample array of `split`, kept under `name` in [`Split::extras`].
    Extra {
        /// The split name.
        split: String,
        /// The name in `extras`.
        name: String,
    },
    /// A key that fits no split; not loaded.
    Ignored,
}

/// One array as a reader saw it in the file, for `inspect`.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyInfo {
    /// The key (array name) in the file.
    pub key: String,
    /// The element type in the file, before conversion.
    pub dtype: DType,
    /// The shape in the file, before flattening.
    pub shape: Vec<usize>,
    /// What the key was used for.
    pub role: KeyRole,
}

/// Split a key into (split, modality) when it is a features key.
fn parse_features(key: &str) -> Option<(&str, usize)> {
    let stem = key.strip_suffix("_features")?;
    let at = stem.rfind("_modal_")?;
    let k: usize = stem[at + "_modal_".len()..].parse().ok()?;
    let split = &stem[..at];
    (!split.is_empty() && k >= 1).then_some((split, k))
}

/// Turn the named arrays of `path` into a dataset, checking the key layout, the
/// shapes, the values (no NaN/Inf) and the labels (integers in `0..n_classes`,
/// at least two classes per split). Errors name the file and the key.
pub fn assemble(
    path: &Path,
    tensors: Vec<(String, RawTensor)>,
    n_classes: Option<usize>,
) -> Result<(Dataset, Vec<KeyInfo>)> {
    let all_keys: Vec<String> = tensors.iter().map(|(k, _)| k.clone()).collect();
    let found = || {
        if all_keys.is_empty() {
            "the file holds no arrays".to_string()
        } else {
            format!("keys found: {}", all_keys.join(", "))
        }
    };

    // Which splits and modalities are there.
    let mut modalities: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (key, _) in &tensors {
        if let Some((split, k)) = parse_features(key) {
            modalities.entry(split.to_string()).or_default().insert(k);
        }
    }
    if modalities.is_empty() {
        return Err(Error::format(
            path,
            format!("no keys named {{split}}_modal_{{k}}_features ({})", found()),
        ));
    }
    let m = modalities
        .values()
        .filter_map(|s| s.iter().next_back().copied())
        .max()
        .unwrap_or(0)
        .max(2);
    for (split, ks) in &modalities {
        if let Some(k) = (1..=m).find(|k| !ks.contains(k)) {
            let why = if m == 2 && ks.len() < 2 {
                "a dataset needs at least 2 modalities; "
            } else {
                ""
            };
            return Err(Error::format(
                path,
                format!(
                    "missing key '{}' ({why}{})",
                    features_key(split, k),
                    found()
                ),
            ));
        }
    }
    if let Some(split) = tensors
        .iter()
        .filter_map(|(k, _)| k.strip_suffix("_targets"))
        .find(|s| !s.is_empty() && !modalities.contains_key(*s))
    {
        return Err(Error::format(
            path,
            format!(
                "missing key '{}' for the labels '{}' ({})",
                features_key(split, 1),
                targets_key(split),
                found()
            ),
        ));
    }
    let has_targets: BTreeSet<String> = tensors
        .iter()
        .filter_map(|(k, _)| k.strip_suffix("_targets"))
        .filter(|s| modalities.contains_key(*s))
        .map(str::to_string)
        .collect();
    if !has_targets.is_empty() {
        if let Some(split) = modalities.keys().find(|s| !has_targets.contains(*s)) {
            return Err(Error::format(
                path,
                format!("missing key '{}' ({})", targets_key(split), found()),
            ));
        }
    }

    // Classify every key.
    let role_of = |key: &str| -> KeyRole {
        if let Some((split, k)) = parse_features(key) {
            if k <= m {
                return KeyRole::Features {
                    split: split.to_string(),
                    modality: k,
                };
            }
        }
        if let Some(split) = key.strip_suffix("_targets") {
            if modalities.contains_key(split) {
                return KeyRole::Targets {
                    split: split.to_string(),
                };
            }
        }
        // The longest split name that prefixes the key, so `val_ood_bits` belongs
        // to split `val_ood` when there is one.
        modalities
            .keys()
            .filter(|s| key.len() > s.len() + 1 && key.starts_with(&format!("{s}_")))
            .max_by_key(|s| s.len())
            .map_or(KeyRole::Ignored, |s| KeyRole::Extra {
                split: s.clone(),
                name: key[s.len() + 1..].to_string(),
            })
    };

    let label_rows: usize = tensors
        .iter()
        .filter(|(key, _)| matches!(role_of(key), KeyRole::Targets { .. }))
        .map(|(_, t)| t.numel())
        .sum();
    let class_limit = validate::class_limit(label_rows);
    let mut infos = Vec::with_capacity(tensors.len());
    let mut features: BTreeMap<String, Vec<Option<Array2<f32>>>> = modalities
        .keys()
        .map(|s| (s.clone(), vec![None; m]))
        .collect();
    let mut labels: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut extras: BTreeMap<String, BTreeMap<String, Array2<f32>>> = BTreeMap::new();
    for (key, tensor) in tensors {
        let role = role_of(&key);
        infos.push(KeyInfo {
            key: key.clone(),
            dtype: tensor.dtype,
            shape: tensor.shape.clone(),
            role: role.clone(),
        });
        match role {
            KeyRole::Features { split, modality } => {
                let matrix = validate::feature_matrix(path, &key, &tensor)?;
                if let Some(slot) = features
                    .get_mut(&split)
                    .and_then(|v| v.get_mut(modality - 1))
                {
                    *slot = Some(matrix);
                }
            }
            KeyRole::Targets { split } => {
                labels.insert(
                    split,
                    validate::labels(path, &key, &tensor, n_classes, class_limit)?,
                );
            }
            KeyRole::Extra { split, name } => {
                let matrix = validate::feature_matrix(path, &key, &tensor)?;
                extras.entry(split).or_default().insert(name, matrix);
            }
            KeyRole::Ignored => {}
        }
    }

    let mut dataset = Dataset::default();
    for (split, mats) in features {
        let parts = SplitParts {
            modalities: mats.into_iter().flatten().collect(),
            labels: labels.remove(&split),
            extras: extras.remove(&split).unwrap_or_default(),
        };
        let checked = Split::checked(parts, &|part| part_key(&split, part), class_limit)
            .map_err(|e| Error::format(path, e.to_string()))?;
        if let Some(l) = checked.labels() {
            validate::at_least_two_classes(path, &targets_key(&split), l)?;
        }
        dataset.splits.insert(split, checked);
    }
    check_widths(path, &dataset)?;
    Ok((dataset, infos))
}

/// How the split checks name an array read from a file: by its key.
fn part_key(split: &str, part: Part<'_>) -> String {
    let key = match part {
        Part::Modality(k) => features_key(split, k + 1),
        Part::Labels => targets_key(split),
        Part::Extra(name) => extra_key(split, name),
    };
    format!("key '{key}'")
}

/// Modality k must have the same width in every split.
fn check_widths(path: &Path, dataset: &Dataset) -> Result<()> {
    let names = dataset.split_names();
    let Some(first) = names.first() else {
        return Ok(());
    };
    let dims = dataset.splits[*first].dims();
    for name in &names[1..] {
        for (k, (&d, &d0)) in dataset.splits[*name].dims().iter().zip(&dims).enumerate() {
            if d != d0 {
                return Err(Error::format(
                    path,
                    format!(
                        "key '{}' has {d} columns but '{}' has {d0}",
                        features_key(name, k + 1),
                        features_key(first, k + 1)
                    ),
                ));
            }
        }
    }
    Ok(())
}

/// The named arrays a writer stores for `dataset`: features as float32 `N × d`,
/// labels as int64 `[N]`, extras as float32 `N × w`, splits in
/// [`Dataset::split_names`] order.
pub fn to_tensors(dataset: &Dataset) -> Result<Vec<(String, RawTensor)>> {
    if dataset.splits.is_empty() {
        return Err(Error::invalid("the dataset has no splits to write"));
    }
    let m = dataset.n_modalities();
    let mut out = Vec::new();
    for name in dataset.split_names() {
        let split = &dataset.splits[name];
        if split.n_modalities() != m {
            return Err(Error::invalid(format!(
                "split '{name}' has {} modalities but others have {m}",
                split.n_modalities()
            )));
        }
        for (k, a) in split.modalities().iter().enumerate() {
            out.push((features_key(name, k + 1), matrix_tensor(a)));
        }
        if let Some(l) = split.labels() {
            let values: Vec<i64> = l.iter().map(|&v| v as i64).collect();
            out.push((
                targets_key(name),
                RawTensor::from_i64(vec![values.len()], &values),
            ));
        }
        for (extra, a) in split.extras() {
            out.push((extra_key(name, extra), matrix_tensor(a)));
        }
    }
    Ok(out)
}

/// A float32 tensor of a matrix, in C order whatever the matrix's memory layout.
fn matrix_tensor(a: &Array2<f32>) -> RawTensor {
    let values: Vec<f32> = a.iter().copied().collect();
    RawTensor::from_f32(vec![a.nrows(), a.ncols()], &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_keys_parse_with_underscored_splits() {
        assert_eq!(
            parse_features("val_ood_modal_3_features"),
            Some(("val_ood", 3))
        );
        assert_eq!(parse_features("train_modal_x_features"), None);
        assert_eq!(parse_features("_modal_1_features"), None);
        assert_eq!(parse_features("train_targets"), None);
    }
}
