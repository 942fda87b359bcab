//! Value checks on arrays read from a file, with one-line errors that name the
//! file, the key and where the problem is, so a bad file is fixed at the source
//! rather than discovered as a NaN in a result.

use ndarray::Array2;
use std::path::Path;

use super::tensor::RawTensor;
use crate::{Error, Result};

/// A features (or extras) array as an `N × d` f32 matrix: rank-1 arrays become one
/// column, higher ranks are flattened per sample (`N×a×b → N×(a·b)`). Rejects
/// scalars and empty arrays; NaN/Inf (including f64 values beyond the f32 range)
/// are refused where every split is checked, in [`super::Split::from_parts`].
pub fn feature_matrix(path: &Path, key: &str, tensor: &RawTensor) -> Result<Array2<f32>> {
    let shape = &tensor.shape;
    let Some(&n) = shape.first() else {
        return Err(Error::format(
            path,
            format!("key '{key}' is a scalar; expected one row per sample"),
        ));
    };
    if tensor.numel() == 0 {
        return Err(Error::format(
            path,
            format!("key '{key}' is empty (shape {shape:?})"),
        ));
    }
    let cols = tensor.numel() / n;
    Array2::from_shape_vec((n, cols), tensor.to_f32_vec())
        .map_err(|e| Error::format(path, format!("key '{key}': {e}")))
}

/// What is wrong with row-major `values` of `cols` columns when some are NaN or
/// ±Inf: how many there are and where the first one is, as the end of a sentence
/// whose subject names the array (`has 2 non-finite values (NaN/Inf); the first is
/// NaN at row 5, column 1`). `None` when every value is finite.
pub fn non_finite(values: impl IntoIterator<Item = f32>, cols: usize) -> Option<String> {
    let mut bad = values
        .into_iter()
        .enumerate()
        .filter(|(_, v)| !v.is_finite());
    let (first, v) = bad.next()?;
    let count = 1 + bad.count();
    let cols = cols.max(1);
    Some(format!(
        "has {count} non-finite value{} (NaN/Inf); the first is {v} at row {}, column {}",
        if count == 1 { "" } else { "s" },
        first / cols,
        first % cols
    ))
}

/// Fewest classes always accepted, however few rows are labelled.
pub const MIN_CLASS_LIMIT: usize = 1024;

/// The most classes `rows` labelled rows may declare: a class id far beyond the
/// number of rows is a corrupt or mis-encoded label, and the class count sizes the
/// classifiers' output layers and the per-class tables, so it must not come from a
/// single stray value.
pub fn class_limit(rows: usize) -> usize {
    rows.max(MIN_CLASS_LIMIT)
}

/// One class id from a number, or why it is not one (`limit` from [`class_limit`]).
/// Used by every reader and by the Python bindings, so the rule is the same
/// everywhere.
pub fn class_id(v: f64, limit: usize) -> std::result::Result<usize, String> {
    if !v.is_finite() {
        return Err(format!("is {v}"));
    }
    if v.fract() != 0.0 {
        return Err(format!("is {v}, not an integer class id"));
    }
    if v < 0.0 {
        return Err(format!("is {v}; class ids must be 0 or more"));
    }
    if v >= limit as f64 {
        return Err(format!(
            "is {v}, far beyond the number of labelled rows (class ids must be below {limit}); relabel the classes as 0..C-1"
        ));
    }
    Ok(v as usize)
}

/// Class labels from an `[N]` or `[N, 1]` array of integers, or of floats that are
/// whole numbers. Labels must be ≥ 0, below `limit` (see [`class_limit`]) and,
/// when `n_classes` is given, below it.
pub fn labels(
    path: &Path,
    key: &str,
    tensor: &RawTensor,
    n_classes: Option<usize>,
    limit: usize,
) -> Result<Vec<usize>> {
    let shape = &tensor.shape;
    let column = shape.len() == 1 || (shape.len() == 2 && shape[1] == 1);
    if !column {
        return Err(Error::format(
            path,
            format!("key '{key}' has shape {shape:?}; labels must have shape [N] or [N, 1]"),
        ));
    }
    if tensor.numel() == 0 {
        return Err(Error::format(
            path,
            format!("key '{key}' is empty (shape {shape:?})"),
        ));
    }
    let fail = |row: usize, msg: String| {
        Err(Error::format(
            path,
            format!("key '{key}': label at row {row} {msg}"),
        ))
    };
    let mut out = Vec::with_capacity(tensor.numel());
    for (row, v) in tensor.to_f64_vec().into_iter().enumerate() {
        let id = match class_id(v, limit) {
            Ok(id) => id,
            Err(msg) => return fail(row, msg),
        };
        if let Some(c) = n_classes {
            if id >= c {
                return fail(
                    row,
                    format!("is {v}, not below the number of classes ({c})"),
                );
            }
        }
        out.push(id);
    }
    Ok(out)
}

/// A split whose labels hold one class cannot train or score a classifier.
pub fn at_least_two_classes(path: &Path, key: &str, labels: &[usize]) -> Result<()> {
    let Some(&first) = labels.first() else {
        return Err(Error::format(path, format!("key '{key}' is empty")));
    };
    if labels.iter().all(|&l| l == first) {
        return Err(Error::format(
            path,
            format!(
                "key '{key}' holds a single class ({first}) in all {} rows; a split needs at least 2 classes",
                labels.len()
            ),
        ));
    }
    Ok(())
}
