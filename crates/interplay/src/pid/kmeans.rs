//! Seeded k-means (k-means++ seeding, then Lloyd iterations) for discretising
//! a modality before PID.

use ndarray::Array2;
use rand::Rng;

use crate::rng::ChaCha8Rng;

/// Cluster the rows of `x` into at most `k` clusters; returns each row's cluster
/// in `0..k'` (k' < k only when there are fewer distinct rows than k).
pub(crate) fn kmeans(
    x: &Array2<f64>,
    k: usize,
    max_iter: usize,
    rng: &mut ChaCha8Rng,
) -> Vec<usize> {
    let n = x.nrows();
    if n == 0 || k == 0 {
        return vec![0; n];
    }
    let mut centres = plus_plus(x, k, rng);
    let mut assign = vec![usize::MAX; n];
    for _ in 0..max_iter.max(1) {
        let mut changed = false;
        let mut dist = vec![0.0; n];
        for i in 0..n {
            let (best, d) = nearest(x, i, &centres);
            dist[i] = d;
            if assign[i] != best {
                assign[i] = best;
                changed = true;
            }
        }
        if !changed {
            break;
        }
        // Update means; an emptied cluster takes the point farthest from its centre.
        let kk = centres.nrows();
        let mut sums = Array2::<f64>::zeros((kk, x.ncols()));
        let mut counts = vec![0usize; kk];
        for i in 0..n {
            sums.row_mut(assign[i]).scaled_add(1.0, &x.row(i));
            counts[assign[i]] += 1;
        }
        for (c, &count) in counts.iter().enumerate() {
            if count > 0 {
                let mean = &sums.row(c) / count as f64;
                centres.row_mut(c).assign(&mean);
            } else {
                let far = (0..n)
                    .max_by(|&a, &b| dist[a].total_cmp(&dist[b]).then(b.cmp(&a)))
                    .unwrap_or(0);
                centres.row_mut(c).assign(&x.row(far));
                dist[far] = 0.0;
            }
        }
    }
    // Relabel densely in order of first appearance (stable, deterministic).
    let mut map = vec![usize::MAX; centres.nrows()];
    let mut next = 0;
    assign
        .iter()
        .map(|&c| {
            if map[c] == usize::MAX {
                map[c] = next;
                next += 1;
            }
            map[c]
        })
        .collect()
}

/// k-means++ seeding: each new centre drawn with probability ∝ squared distance
/// to the nearest centre so far.
fn plus_plus(x: &Array2<f64>, k: usize, rng: &mut ChaCha8Rng) -> Array2<f64> {
    let n = x.nrows();
    let mut chosen = vec![rng.gen_range(0..n)];
    let first = x.row(chosen[0]).to_vec();
    let mut d2: Vec<f64> = (0..n).map(|i| sq_dist(x, i, &first)).collect();
    while chosen.len() < k {
        let total: f64 = d2.iter().sum();
        if total.is_nan() || total <= 0.0 {
            break;
        }
        let mut r = rng.gen::<f64>() * total;
        let mut pick = n - 1;
        for (i, &d) in d2.iter().enumerate() {
            if r < d {
                pick = i;
                break;
            }
            r -= d;
        }
        chosen.push(pick);
        let row = x.row(pick).to_vec();
        for (i, d) in d2.iter_mut().enumerate() {
            *d = d.min(sq_dist(x, i, &row));
        }
    }
    let mut centres = Array2::zeros((chosen.len(), x.ncols()));
    for (c, &i) in chosen.iter().enumerate() {
        centres.row_mut(c).assign(&x.row(i));
    }
    centres
}

fn sq_dist(x: &Array2<f64>, i: usize, centre: &[f64]) -> f64 {
    x.row(i)
        .iter()
        .zip(centre)
        .map(|(a, b)| (a - b) * (a - b))
        .sum()
}

/// The nearest centre to row i (lowest index on ties) and its squared distance.
fn nearest(x: &Array2<f64>, i: usize, centres: &Array2<f64>) -> (usize, f64) {
    let mut best = (0, f64::INFINITY);
    for (c, centre) in centres.rows().into_iter().enumerate() {
        let d: f64 = x
            .row(i)
            .iter()
            .zip(centre)
            .map(|(a, b)| (a - b) * (a - b))
            .sum();
        if d < best.1 {
            best = (c, d);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separates_well_separated_blobs() {
        let mut rng = crate::rng::seeded(3, 4);
        let x = Array2::from_shape_fn((60, 2), |(i, j)| {
            let blob = (i % 3) as f64 * 10.0;
            blob + ((i * 7 + j * 3) % 5) as f64 * 0.1
        });
        let labels = kmeans(&x, 3, 100, &mut rng);
        for i in 0..60 {
            for j in 0..60 {
                assert_eq!(labels[i] == labels[j], i % 3 == j % 3);
            }
        }
    }
}
