//! Stratified train / val / test partitions of generated samples, so every split
//! keeps the class balance of the whole (as scikit-learn's stratified
//! `train_test_split` does in the original generators).

use rand::seq::SliceRandom;
use rand::Rng;

use crate::{Error, Result};

/// Row indices of the three splits, each in ascending order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitIndices {
    /// Rows of the `train` split.
    pub train: Vec<usize>,
    /// Rows of the `val` split.
    pub val: Vec<usize>,
    /// Rows of the `test` split.
    pub test: Vec<usize>,
}

/// Partition the rows by class: within each class a random `train` fraction
/// (rounded) goes to train, a `val` fraction (rounded) to val, the rest to test.
/// Indices come back sorted, so the splits keep the generation order.
pub fn stratified(
    labels: &[usize],
    train: f64,
    val: f64,
    rng: &mut impl Rng,
) -> Result<SplitIndices> {
    let ok = |f: f64| f.is_finite() && (0.0..=1.0).contains(&f);
    if !ok(train) || !ok(val) || train + val > 1.0 + 1e-12 {
        return Err(Error::invalid(format!(
            "split fractions must be in [0, 1] and sum to at most 1, got train {train}, val {val}"
        )));
    }
    let n_classes = labels.iter().copied().max().map_or(0, |m| m + 1);
    let mut out = SplitIndices {
        train: Vec::new(),
        val: Vec::new(),
        test: Vec::new(),
    };
    for class in 0..n_classes {
        let mut rows: Vec<usize> = (0..labels.len()).filter(|&i| labels[i] == class).collect();
        rows.shuffle(rng);
        let n = rows.len() as f64;
        let n_train = (train * n).round() as usize;
        let n_val = ((val * n).round() as usize).min(rows.len() - n_train);
        out.train.extend_from_slice(&rows[..n_train]);
        out.val.extend_from_slice(&rows[n_train..n_train + n_val]);
        out.test.extend_from_slice(&rows[n_train + n_val..]);
    }
    out.train.sort_unstable();
    out.val.sort_unstable();
    out.test.sort_unstable();
    Ok(out)
}
