//! Feature scales: the per-modality standardisation LSMI applies by default, and
//! the scale summary its warnings read.
//!
//! Why standardise: LSMI's redundancy `min(h1, h2) − min(h1|y, h2|y)` is not
//! invariant to rescaling one modality (spec §2.8 item 8): multiplying x1 by `a`
//! shifts h(x1) and h(x1|y) by `d1·log|a|`, which changes which branch each `min`
//! picks. KNIFE's kernel scales are also bounded to [1/e, e] per coordinate (spec
//! §3), so features far from unit scale are fitted badly. Standardising every
//! modality with the training rows' mean and standard deviation removes both
//! effects; the original code did not, so it can be turned off for fidelity.

use ndarray::{Array2, Axis};
use serde::{Deserialize, Serialize};

use crate::data::Split;
use crate::Result;

/// Standard deviations at or below this are treated as constant columns and
/// scaled by 1 (dividing by a near-zero sd would blow rounding noise up to unit
/// scale and make KNIFE's density, and so h(x), meaningless).
pub const SD_FLOOR: f64 = 1e-8;

/// Within one modality, per-dimension standard deviations differing by more than
/// this factor draw a warning when standardising is off: KNIFE's per-coordinate
/// kernel scales span only e² ≈ 7.4, so such a modality cannot be fitted in
/// every dimension at once.
pub const SCALE_RATIO_LIMIT: f64 = 100.0;

/// A per-dimension standard deviation above this (or a non-constant one below
/// its inverse) draws a warning when standardising is off: KNIFE starts from unit
/// kernel scales bounded to [1/e, e], so at 1000× off it fits a density that is
/// far too narrow (or wide), and h(x) shifts by d·log(scale), steering the
/// redundancy's `min` branches (spec §2.8 item 8).
pub const HUGE_SCALE: f64 = 1e3;

/// Summary of one modality's feature scales on the training rows (always
/// computed, whether or not the features are standardised).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeatureScale {
    /// Number of features (dimensions).
    pub dims: usize,
    /// Smallest per-dimension standard deviation above [`SD_FLOOR`] (NaN when all
    /// columns are constant; `null` in JSON).
    #[serde(with = "nan_as_null")]
    pub min_sd: f64,
    /// Largest per-dimension standard deviation.
    pub max_sd: f64,
    /// Geometric mean of the non-constant per-dimension standard deviations, the
    /// modality's typical scale (NaN when all columns are constant; `null` in
    /// JSON).
    #[serde(with = "nan_as_null")]
    pub typical_sd: f64,
}

/// NaN as JSON `null` and back, since JSON has no NaN (serde_json would write
/// `null` and then refuse to read it as a number).
mod nan_as_null {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(v: &f64, s: S) -> Result<S::Ok, S::Error> {
        if v.is_nan() {
            s.serialize_none()
        } else {
            s.serialize_some(v)
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<f64, D::Error> {
        Ok(Option::<f64>::deserialize(d)?.unwrap_or(f64::NAN))
    }
}

/// Per-dimension mean and standard deviation of one modality's training rows.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Standardiser {
    pub(super) mean: Vec<f64>,
    pub(super) sd: Vec<f64>,
}

impl Standardiser {
    /// Mean and (population) standard deviation per column of `x`; columns with
    /// sd at or below [`SD_FLOOR`] get sd 1 (they are only centred).
    pub fn fit(x: &Array2<f32>) -> Self {
        let (mean, sd) = column_moments(x);
        let sd = sd
            .into_iter()
            .map(|s| if s > SD_FLOOR { s } else { 1.0 })
            .collect();
        Standardiser { mean, sd }
    }

    /// `(x − mean) / sd` column by column.
    pub fn apply(&self, x: &Array2<f32>) -> Array2<f32> {
        let mut out = x.clone();
        for (j, mut col) in out.axis_iter_mut(Axis(1)).enumerate() {
            let (m, s) = (self.mean[j], self.sd[j]);
            col.mapv_inplace(|v| ((v as f64 - m) / s) as f32);
        }
        out
    }
}

/// Per-column mean and population standard deviation, accumulated in f64.
fn column_moments(x: &Array2<f32>) -> (Vec<f64>, Vec<f64>) {
    let n = x.nrows().max(1) as f64;
    x.axis_iter(Axis(1))
        .map(|col| {
            let mean = col.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = col.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
            (mean, var.sqrt())
        })
        .unzip()
}

/// The scale summary of every modality of `split`.
pub(crate) fn feature_scales(split: &Split) -> Vec<FeatureScale> {
    split
        .modalities()
        .iter()
        .map(|x| {
            let (_, sd) = column_moments(x);
            let varying: Vec<f64> = sd.iter().copied().filter(|&s| s > SD_FLOOR).collect();
            let (min_sd, typical_sd) = if varying.is_empty() {
                (f64::NAN, f64::NAN)
            } else {
                (
                    varying.iter().copied().fold(f64::INFINITY, f64::min),
                    (varying.iter().map(|s| s.ln()).sum::<f64>() / varying.len() as f64).exp(),
                )
            };
            FeatureScale {
                dims: x.ncols(),
                min_sd,
                max_sd: sd.iter().copied().fold(0.0, f64::max),
                typical_sd,
            }
        })
        .collect()
}

/// One standardiser per modality of `train`.
pub(crate) fn fit_standardisers(train: &Split) -> Vec<Standardiser> {
    train.modalities().iter().map(Standardiser::fit).collect()
}

/// `split` with every modality standardised by its standardiser (labels kept,
/// extras dropped: LSMI reads only modalities and labels).
pub(crate) fn standardise(split: &Split, by: &[Standardiser]) -> Result<Split> {
    let modalities = split
        .modalities()
        .iter()
        .zip(by)
        .map(|(x, s)| s.apply(x))
        .collect();
    Split::new(modalities, split.labels().map(|l| l.to_vec()))
}

/// Warnings about feature scales that standardising would have removed: scales
/// within a modality more than [`SCALE_RATIO_LIMIT`] apart, typical scales of two
/// modalities that far apart, and scales beyond [`HUGE_SCALE`] (or below its
/// inverse). Empty when `standardised`.
pub fn scale_warnings(scales: &[FeatureScale], standardised: bool) -> Vec<String> {
    if standardised {
        return Vec::new();
    }
    let advice = "standardising (the default) removes this";
    let mut out = Vec::new();
    for (m, s) in scales.iter().enumerate() {
        let name = m + 1;
        if s.min_sd.is_finite() && s.max_sd / s.min_sd > SCALE_RATIO_LIMIT {
            out.push(format!(
                "modality {name}: feature standard deviations range from {:.3e} to {:.3e} \
                 (over {SCALE_RATIO_LIMIT}×); KNIFE cannot fit such scales at once, so h(x{name}) \
                 and the redundancy are unreliable; {advice}",
                s.min_sd, s.max_sd
            ));
        }
        if s.max_sd > HUGE_SCALE || (s.min_sd.is_finite() && s.min_sd < 1.0 / HUGE_SCALE) {
            out.push(format!(
                "modality {name}: feature standard deviations reach {:.3e} to {:.3e}, far from \
                 KNIFE's unit scale (limit {HUGE_SCALE:e}×); h(x{name}) shifts by d·log(scale) \
                 and decides the redundancy's min branches; {advice}",
                s.min_sd, s.max_sd
            ));
        }
    }
    for (i, a) in scales.iter().enumerate() {
        for (j, b) in scales.iter().enumerate().skip(i + 1) {
            let ratio = (a.typical_sd / b.typical_sd).max(b.typical_sd / a.typical_sd);
            if ratio > SCALE_RATIO_LIMIT {
                out.push(format!(
                    "modalities {} and {}: typical feature scales differ {ratio:.0}× \
                     ({:.3e} vs {:.3e}); LSMI's redundancy is not scale-invariant, so it mostly \
                     reflects the scales; {advice}",
                    i + 1,
                    j + 1,
                    a.typical_sd,
                    b.typical_sd
                ));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::array;

    #[test]
    fn standardised_training_columns_have_zero_mean_unit_sd_and_constants_stay_finite() {
        let x = array![[1.0f32, 5.0, 100.0], [3.0, 5.0, 300.0], [5.0, 5.0, 500.0]];
        let s = Standardiser::fit(&x);
        let z = s.apply(&x);
        let (mean, sd) = column_moments(&z);
        assert!(mean.iter().all(|m| m.abs() < 1e-6), "{mean:?}");
        assert!((sd[0] - 1.0).abs() < 1e-6 && (sd[2] - 1.0).abs() < 1e-6);
        // The constant column is centred, not divided by 0.
        assert!(z.column(1).iter().all(|&v| v == 0.0));
    }

    #[test]
    fn scale_warnings_name_the_modality_and_only_when_not_standardised() {
        let x1 = array![[0.0f32, 0.0], [1.0, 1000.0], [2.0, -1000.0]];
        let x2 = array![[0.0f32], [1.0], [2.0]];
        let split = Split::new(vec![x1, x2], Some(vec![0, 1, 0])).unwrap();
        let scales = feature_scales(&split);
        assert_eq!(scales[0].dims, 2);
        let w = scale_warnings(&scales, false);
        assert!(w.iter().any(|w| w.starts_with("modality 1:")), "{w:?}");
        assert!(!w.iter().any(|w| w.starts_with("modality 2:")), "{w:?}");
        assert!(scale_warnings(&scales, true).is_empty());
        let plain = Split::new(
            vec![array![[0.0f32], [1.0]], array![[1.0f32], [0.0]]],
            Some(vec![0, 1]),
        )
        .unwrap();
        assert!(scale_warnings(&feature_scales(&plain), false).is_empty());
    }
}
