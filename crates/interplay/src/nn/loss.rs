//! Softmax cross-entropy, the loss of every classifier the estimators train.

/// Mean cross-entropy of `logits` (`batch × n_classes`, row-major) against `labels`,
/// accumulated in f64 through a log-sum-exp. Writes `∂loss/∂logits`
/// (`(softmax − onehot)/batch`) into `d_logits`. Labels must be `< n_classes`
/// (callers validate user data before training).
pub fn softmax_cross_entropy(
    logits: &[f32],
    labels: &[usize],
    n_classes: usize,
    d_logits: &mut [f32],
) -> f64 {
    let batch = labels.len();
    let scale = 1.0 / batch.max(1) as f64;
    let mut loss = 0.0f64;
    for ((row, drow), &y) in logits
        .chunks_exact(n_classes)
        .zip(d_logits.chunks_exact_mut(n_classes))
        .zip(labels)
    {
        let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
        let sum: f64 = row.iter().map(|&v| (v as f64 - max).exp()).sum();
        let lse = max + sum.ln();
        loss += lse - row[y] as f64;
        for (c, (d, &v)) in drow.iter_mut().zip(row).enumerate() {
            let p = (v as f64 - lse).exp();
            let onehot = if c == y { 1.0 } else { 0.0 };
            *d = ((p - onehot) * scale) as f32;
        }
    }
    loss * scale
}

/// Row-wise log-softmax in f64: `log p(c | x)` for each row of logits. Computed by
/// log-sum-exp so probabilities that underflow in f32 stay finite.
pub fn log_softmax_rows(logits: &[f32], n_classes: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(logits.len());
    for row in logits.chunks_exact(n_classes) {
        let max = row.iter().fold(f32::NEG_INFINITY, |m, &v| m.max(v)) as f64;
        let sum: f64 = row.iter().map(|&v| (v as f64 - max).exp()).sum();
        let lse = max + sum.ln();
        out.extend(row.iter().map(|&v| v as f64 - lse));
    }
    out
}
