//! Classification metrics used to select and report fusion networks.

/// Fraction of predictions equal to the labels (0 for no rows).
pub fn accuracy(pred: &[usize], labels: &[usize]) -> f64 {
    if labels.is_empty() {
        return 0.0;
    }
    let hits = pred.iter().zip(labels).filter(|(p, y)| p == y).count();
    hits as f64 / labels.len() as f64
}

/// Unweighted mean over the classes present in labels or predictions of the
/// per-class F1 (scikit-learn's `f1_score(average="macro")`, 0 where undefined).
pub fn macro_f1(pred: &[usize], labels: &[usize], n_classes: usize) -> f64 {
    let mut tp = vec![0usize; n_classes];
    let mut fp = vec![0usize; n_classes];
    let mut fnc = vec![0usize; n_classes];
    for (&p, &y) in pred.iter().zip(labels) {
        if p >= n_classes || y >= n_classes {
            continue;
        }
        if p == y {
            tp[p] += 1;
        } else {
            fp[p] += 1;
            fnc[y] += 1;
        }
    }
    let present: Vec<usize> = (0..n_classes)
        .filter(|&k| tp[k] + fp[k] + fnc[k] > 0)
        .collect();
    if present.is_empty() {
        return 0.0;
    }
    let f1 = |k: usize| {
        let denom = 2 * tp[k] + fp[k] + fnc[k];
        if denom == 0 {
            0.0
        } else {
            2.0 * tp[k] as f64 / denom as f64
        }
    };
    present.iter().map(|&k| f1(k)).sum::<f64>() / present.len() as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn macro_f1_matches_hand_computation() {
        // class 0: tp 1, fp 1, fn 1 → F1 0.5; class 1: tp 1, fp 1, fn 1 → 0.5.
        let pred = [0, 1, 0, 1];
        let y = [0, 0, 1, 1];
        assert!((macro_f1(&pred, &y, 2) - 0.5).abs() < 1e-12);
        assert!((accuracy(&pred, &y) - 0.5).abs() < 1e-12);
        assert!((macro_f1(&y, &y, 3) - 1.0).abs() < 1e-12);
    }
}
