//! Warnings about LSMI results whose numbers may mean little: unscaled features,
//! failed density fits, implausible pointwise mutual informations.
//!
//! The checks read only the result (and whether the features were standardised),
//! so every surface — CLI, Python, JSON — reports the same warnings.

use super::estimate::LsmiResult;
use super::scale::scale_warnings;

/// A KNIFE entropy with |h̄(x)| above this many nats per dimension is a failed
/// fit: a unit-scale Gaussian has 1.42 nats per dimension, and a density must be
/// e⁵⁰ times too narrow (or wide) per coordinate to reach 50.
pub const ENTROPY_PER_DIM_LIMIT: f64 = 50.0;

/// A pointwise MI with |i| above this many nats is implausible: it needs a
/// classifier probability e⁻⁵⁰ for the true class (a confidently wrong
/// prediction) or a class prior below e⁻⁵⁰.
pub const PMI_LIMIT: f64 = 50.0;

/// Share of rows with |i| > [`PMI_LIMIT`] that draws a warning.
pub const PMI_SHARE_LIMIT: f64 = 0.01;

/// Slack (nats) of the mean-PMI bounds: a mean above log C + this (I(X;Y) ≤
/// H(Y) ≤ log C) or below −this (a classifier worse than the label prior on the
/// evaluated rows, usually overfitting) draws a warning. 0.1 nats is well above
/// the sampling error of a mean over a few hundred rows of sound classifiers.
pub const MI_TOLERANCE: f64 = 0.1;

/// The warnings of `result`: feature scales (only when not `standardised`, see
/// [`scale_warnings`]), KNIFE entropies beyond [`ENTROPY_PER_DIM_LIMIT`] per
/// dimension, mean PMIs outside [−[`MI_TOLERANCE`], log C + [`MI_TOLERANCE`]],
/// and more than [`PMI_SHARE_LIMIT`] of rows with |PMI| > [`PMI_LIMIT`]. Each
/// names the pair (modalities counted from 1) and the quantity.
pub fn warnings(result: &LsmiResult, standardised: bool) -> Vec<String> {
    let mut out = scale_warnings(&result.scales, standardised);
    let log_c = (result.n_classes.max(1) as f64).ln();
    let mut entropy_checked = vec![false; result.scales.len()];
    for p in &result.pairs {
        let (a, b) = (p.modalities.0 + 1, p.modalities.1 + 1);
        let pair = format!("pair {a}-{b}");
        for (k, modality) in [p.modalities.0, p.modalities.1].into_iter().enumerate() {
            if entropy_checked.get(modality).copied().unwrap_or(true) {
                continue;
            }
            entropy_checked[modality] = true;
            let dims = result.scales[modality].dims.max(1) as f64;
            let per_dim = p.entropy[k] / dims;
            if per_dim.is_nan() || per_dim.abs() > ENTROPY_PER_DIM_LIMIT {
                out.push(format!(
                    "{pair}: KNIFE entropy h(x{}) = {:.4e} nats is {per_dim:.1} nats per dimension \
                     (limit ±{ENTROPY_PER_DIM_LIMIT}): the density fit failed, so the redundancy \
                     is unreliable",
                    k + 1,
                    p.entropy[k]
                ));
            }
        }
        let quantities = [
            ("i(x1;y)", &p.i1, p.mi[0]),
            ("i(x2;y)", &p.i2, p.mi[1]),
            ("i(x1,x2;y)", &p.i12, p.mi[2]),
        ];
        for (name, values, mean) in quantities {
            if mean > log_c + MI_TOLERANCE {
                out.push(format!(
                    "{pair}: mean {name} = {mean:.4} nats exceeds log C = {log_c:.4} \
                     ({} classes), which no mutual information can: the evaluated labels \
                     differ from the training prior",
                    result.n_classes
                ));
            } else if mean < -MI_TOLERANCE {
                out.push(format!(
                    "{pair}: mean {name} = {mean:.4} nats is negative: the classifier predicts \
                     the evaluated rows worse than the label prior (overfitted or shifted data)"
                ));
            }
            let extreme = values
                .iter()
                .filter(|v| v.is_nan() || v.abs() > PMI_LIMIT)
                .count();
            let share = extreme as f64 / values.len().max(1) as f64;
            if share > PMI_SHARE_LIMIT {
                out.push(format!(
                    "{pair}: {:.1} % of rows have |{name}| > {PMI_LIMIT} nats (confidently wrong \
                     classifier outputs); the means are dominated by them",
                    100.0 * share
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lsmi::scale::FeatureScale;
    use crate::lsmi::{Atoms, PairEstimate};

    fn result(i1: Vec<f64>, h1: f64) -> LsmiResult {
        let n = i1.len();
        let mean = i1.iter().sum::<f64>() / n as f64;
        let scale = FeatureScale {
            dims: 2,
            min_sd: 1.0,
            max_sd: 1.0,
            typical_sd: 1.0,
        };
        LsmiResult {
            n,
            n_classes: 2,
            train_prior: vec![0.5, 0.5],
            scales: vec![scale.clone(), scale],
            pairs: vec![PairEstimate {
                modalities: (0, 1),
                i1,
                i2: vec![0.1; n],
                i12: vec![0.2; n],
                h1: vec![h1; n],
                h2: vec![2.0; n],
                atoms: Vec::new(),
                raw: Atoms::default(),
                adjusted: Atoms::default(),
                adjustment: 0.0,
                mi: [mean, 0.1, 0.2],
                entropy: [h1, 2.0],
            }],
        }
    }

    #[test]
    fn sound_results_draw_no_warnings() {
        assert!(warnings(&result(vec![0.3; 100], 2.8), true).is_empty());
    }

    #[test]
    fn implausible_entropies_and_pmis_are_named() {
        let w = warnings(&result(vec![0.3; 100], 400.0), true);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].starts_with("pair 1-2: KNIFE entropy h(x1)"), "{w:?}");

        let mut i1 = vec![0.3; 100];
        i1[..5].iter_mut().for_each(|v| *v = -80.0);
        let w = warnings(&result(i1, 2.8), true);
        assert!(
            w.iter().any(|w| w.contains("5.0 % of rows have |i(x1;y)|")),
            "{w:?}"
        );
        assert!(w
            .iter()
            .any(|w| w.contains("mean i(x1;y)") && w.contains("negative")));

        let w = warnings(&result(vec![0.9; 100], 2.8), true);
        assert!(w.iter().any(|w| w.contains("exceeds log C")), "{w:?}");
    }
}
