//! Classification metrics shared by the model scores (EMAP, SHAPE): accuracy
//! and macro-F1 as scikit-learn defines them.

/// Fraction of predictions equal to the labels (0 for no samples).
pub fn accuracy(predictions: &[usize], labels: &[usize]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let hits = predictions
        .iter()
        .zip(labels)
        .filter(|(p, l)| p == l)
        .count();
    hits as f64 / labels.len() as f64
}

/// Unweighted mean of the per-class F1 scores over every class that occurs in
/// the labels or the predictions (scikit-learn's `f1_score(average="macro")`,
/// with F1 = 0 for a class that is never predicted or never present).
pub fn macro_f1(predictions: &[usize], labels: &[usize]) -> f64 {
    let n_classes = predictions.iter().chain(labels).max().map_or(0, |m| m + 1);
    if n_classes == 0 {
        return 0.0;
    }
    let mut tp = vec![0usize; n_classes];
    let mut predicted = vec![0usize; n_classes];
    let mut actual = vec![0usize; n_classes];
    for (&p, &l) in predictions.iter().zip(labels) {
        predicted[p] += 1;
        actual[l] += 1;
        if p == l {
            tp[p] += 1;
        }
    }
    let mut sum = 0.0;
    let mut present = 0;
    for c in 0..n_classes {
        if predicted[c] + actual[c] == 0 {
            continue;
        }
        present += 1;
        sum += 2.0 * tp[c] as f64 / (predicted[c] + actual[c]) as f64;
    }
    sum / present as f64
}

/// Arg-max of each row (lowest index on ties; NaN never wins).
pub fn argmax_rows<'a>(rows: impl Iterator<Item = &'a [f64]>) -> Vec<usize> {
    rows.map(|row| {
        let mut best = 0;
        for (j, &v) in row.iter().enumerate() {
            if v > row[best] || row[best].is_nan() {
                best = j;
            }
        }
        best
    })
    .collect()
}

/// Accuracy of always predicting the most frequent label: the floor a classifier
/// must beat before its explanations mean anything.
pub fn majority_rate(labels: &[usize]) -> f64 {
    let mut counts = std::collections::HashMap::new();
    for &y in labels {
        *counts.entry(y).or_insert(0usize) += 1;
    }
    let top = counts.values().copied().max().unwrap_or(0);
    top as f64 / labels.len().max(1) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_matches_hand_computation() {
        // Class 0: tp 1, pred 2, true 1 → F1 2/3; class 1: tp 1, pred 1, true 2 → 2/3.
        let f1 = macro_f1(&[0, 0, 1], &[0, 1, 1]);
        assert!((f1 - 2.0 / 3.0).abs() < 1e-15);
        assert_eq!(accuracy(&[0, 0, 1], &[0, 1, 1]), 2.0 / 3.0);
        // Always predicting the majority class: F1 0 for the other class.
        assert!((macro_f1(&[1, 1, 1], &[0, 1, 1]) - 0.4).abs() < 1e-15);
    }
}
