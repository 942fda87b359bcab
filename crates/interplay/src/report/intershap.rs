//! The InterSHAP report.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Provenance;
use crate::intershap::{Explanation, InterShapConfig, InterShapResult};
use crate::uncertainty::{two_sided_z, Interval};

/// Every setting that changed an InterSHAP result.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InterShapSettings {
    /// Rows explained when a subset was asked for (`null`: all of them).
    pub samples: Option<usize>,
    /// Background rows used for masking.
    pub background_rows: usize,
    /// `mean` (exact mean over the background) or `draws` (random draws).
    pub masking: String,
    /// Background rows averaged per coalition value (B for the mean, K for draws).
    pub rows_per_value: usize,
    /// `best`, `class:K` or `all`.
    pub output: String,
    /// `probability` or `logit`: the scale of every Shapley quantity.
    pub space: String,
    /// `exact` or `permutation`.
    pub shapley: String,
    /// Permutations drawn when sampling (`null` when exact).
    pub permutations: Option<usize>,
    /// Confidence level of the intervals.
    pub confidence: f64,
    /// Bootstrap replicates behind the intervals (0: none computed).
    pub bootstrap: usize,
    /// Half-width (fraction) the global interval should not exceed: the goal of
    /// `background: auto`.
    pub ci_target: f64,
    /// How `background: auto` chose the background (`null` otherwise).
    pub auto_background: Option<AutoBackgroundReport>,
}

/// How `background: auto` grew the background.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AutoBackgroundReport {
    /// The half-width asked for (fraction).
    pub target: f64,
    /// Whether the chosen background reached it.
    pub reached: bool,
    /// Background rows available in the background split.
    pub available: usize,
    /// Every round, in order: rows tried and the half-width they gave.
    pub rounds: Vec<AutoRound>,
}

/// One round of `background: auto`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct AutoRound {
    /// Background rows used.
    pub background_rows: usize,
    /// Half-width of the global interval (fraction).
    pub half_width: f64,
}

/// One pair's part of the global score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PairShareReport {
    /// The two modalities, counted from 1.
    pub modalities: [usize; 2],
    /// Φ_ij + Φ_ji of the mean matrix.
    pub interaction: f64,
    /// Share of the whole behaviour, as a fraction.
    pub share: f64,
    /// The same share in percent.
    pub percent: f64,
    /// Confidence interval of `share` (fraction; `null` without bootstrap).
    pub share_interval: Option<Interval>,
}

/// Standard errors of permutation-sampled estimates.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SamplingErrors {
    /// Standard error of each mean φ.
    pub mean_shapley: Vec<f64>,
    /// Standard error of each entry of the mean Φ.
    pub mean_matrix: Vec<Vec<f64>>,
}

/// The explanation of one model output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InterShapOutput {
    /// `best` or `class:K`.
    pub output: String,
    /// Global InterSHAP of the mean matrix, as a fraction.
    pub global: f64,
    /// The same in percent.
    pub global_percent: f64,
    /// Confidence interval of `global` (fraction) over explained and background
    /// rows (`null` without bootstrap).
    pub global_interval: Option<Interval>,
    /// Standard error of `global` from the explained rows alone.
    pub global_std_err_rows: Option<f64>,
    /// Standard error of `global` from the background rows alone: what a larger
    /// background would reduce.
    pub global_std_err_background: Option<f64>,
    /// Mean of the local scores (fractions).
    pub local_mean: f64,
    /// Standard deviation of the local scores.
    pub local_std: f64,
    /// Mean v(∅) over samples.
    pub base_value: f64,
    /// Mean v(M) over samples.
    pub prediction: f64,
    /// Mean Shapley value φ of each modality.
    pub mean_shapley: Vec<f64>,
    /// Mean InterSHAP matrix Φ (M × M; it sums to prediction − base_value).
    pub mean_matrix: Vec<Vec<f64>>,
    /// Per-pair breakdown of the global score.
    pub pairs: Vec<PairShareReport>,
    /// Standard errors when the Shapley quantities were sampled.
    pub std_err: Option<SamplingErrors>,
}

impl InterShapOutput {
    fn new(e: &Explanation) -> Self {
        let n = e.local.len().max(1) as f64;
        let rows = |m: &ndarray::Array2<f64>| m.rows().into_iter().map(|r| r.to_vec()).collect();
        // Independent per-sample errors: the error of a mean is √(Σ se²)/N.
        let std_err = e.interactions.std_err.as_ref().map(|se| SamplingErrors {
            mean_shapley: se
                .phi
                .columns()
                .into_iter()
                .map(|c| c.iter().map(|v| v * v).sum::<f64>().sqrt() / n)
                .collect(),
            mean_matrix: rows(&se.matrix.map_axis(ndarray::Axis(0), |c| {
                c.iter().map(|v| v * v).sum::<f64>().sqrt() / n
            })),
        });
        InterShapOutput {
            output: e.output.clone(),
            global: e.global,
            global_percent: e.global_percent(),
            global_interval: e.intervals.as_ref().map(|i| i.global),
            global_std_err_rows: e.intervals.as_ref().map(|i| i.std_err_rows),
            global_std_err_background: e.intervals.as_ref().map(|i| i.std_err_background),
            local_mean: e.local_mean,
            local_std: e.local_std,
            base_value: e.base_value,
            prediction: e.predictions.iter().sum::<f64>() / n,
            mean_shapley: e.mean_shapley.clone(),
            mean_matrix: rows(&e.mean_matrix),
            pairs: e
                .pairs
                .iter()
                .enumerate()
                .map(|(k, p)| PairShareReport {
                    modalities: [p.i, p.j],
                    interaction: p.interaction,
                    share: p.share,
                    percent: 100.0 * p.share,
                    share_interval: e.intervals.as_ref().and_then(|i| i.pairs.get(k).copied()),
                })
                .collect(),
            std_err,
        }
    }
}

/// An InterSHAP explanation of a model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct InterShapReport {
    /// Versions, method, units (the output space) and seed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Every setting that changed the result.
    pub settings: InterShapSettings,
    /// Rows explained.
    pub n_samples: usize,
    /// Number of modalities M.
    pub n_modalities: usize,
    /// Names of the modalities.
    pub modality_names: Vec<String>,
    /// Global InterSHAP of the first output, as a fraction.
    pub global: f64,
    /// The same in percent.
    pub global_percent: f64,
    /// Confidence interval of `global` (fraction; `null` without bootstrap).
    pub global_interval: Option<Interval>,
    /// Accuracy of the model on the explained rows, when they have labels.
    pub accuracy: Option<f64>,
    /// Rate of always predicting the explained rows' majority class.
    pub majority_accuracy: Option<f64>,
    /// One explanation per explained output.
    pub outputs: Vec<InterShapOutput>,
    /// Model rows evaluated in total.
    pub model_rows: u64,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl InterShapReport {
    /// The report of `result` computed with `config`; modalities are named
    /// `modality_1`… unless `names` are given.
    pub fn new(
        result: &InterShapResult,
        config: &InterShapConfig,
        names: Option<Vec<String>>,
    ) -> Self {
        let m = &result.masking;
        let outputs: Vec<InterShapOutput> = result
            .explanations
            .iter()
            .map(InterShapOutput::new)
            .collect();
        let first = outputs.first();
        InterShapReport {
            provenance: Provenance::new("intershap", m.space, m.seed),
            settings: InterShapSettings {
                samples: config.samples,
                background_rows: m.background_rows,
                masking: m.method.to_string(),
                rows_per_value: m.rows_per_value,
                output: config.output.to_string(),
                space: m.space.to_string(),
                shapley: m.shapley.to_string(),
                permutations: (m.permutations > 0).then_some(m.permutations),
                confidence: config.uncertainty.level,
                bootstrap: config.uncertainty.replicates,
                ci_target: config.ci_target,
                auto_background: result
                    .auto_background
                    .as_ref()
                    .map(|a| AutoBackgroundReport {
                        target: a.target,
                        reached: a.reached,
                        available: a.available,
                        rounds: a
                            .rounds
                            .iter()
                            .map(|&(b, h)| AutoRound {
                                background_rows: b,
                                half_width: h,
                            })
                            .collect(),
                    }),
            },
            n_samples: result.n_samples(),
            n_modalities: result.n_modalities,
            modality_names: names.unwrap_or_else(|| {
                (1..=result.n_modalities)
                    .map(|k| format!("modality_{k}"))
                    .collect()
            }),
            global: first.map_or(f64::NAN, |o| o.global),
            global_percent: first.map_or(f64::NAN, |o| o.global_percent),
            global_interval: first.and_then(|o| o.global_interval),
            accuracy: result.model_accuracy.map(|a| a.accuracy),
            majority_accuracy: result.model_accuracy.map(|a| a.majority),
            warnings: warnings(result, config),
            outputs,
            model_rows: m.model_rows,
        }
    }
}

/// Conditions under which an InterSHAP result means little: a model no better
/// than its majority class, a background whose sampling alone makes the global
/// score less precise than `ci_target`, or a `background: auto` that could not
/// reach its target.
pub fn warnings(result: &InterShapResult, config: &InterShapConfig) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(a) = result.model_accuracy {
        if a.accuracy <= a.majority {
            out.push(format!(
                "the model's accuracy on the explained rows ({:.3}) is not above the majority-class rate ({:.3}): it has learnt nothing usable, and its interactions mean little",
                a.accuracy, a.majority
            ));
        }
    }
    let Some(iv) = result
        .explanations
        .first()
        .and_then(|e| e.intervals.as_ref())
    else {
        return out;
    };
    let z = two_sided_z(iv.global.level);
    let pp = |v: f64| 100.0 * v;
    let (half_rows, half_bg) = (z * iv.std_err_rows, z * iv.std_err_background);
    let target = config.ci_target;
    let b = result.masking.background_rows;
    match &result.auto_background {
        Some(auto) if !auto.reached => {
            let why = if half_rows > target {
                let n = result.n_samples() as f64 * (half_rows / target).powi(2);
                format!(
                    "the explained rows alone give ±{:.2} points: explain about {} rows to reach it",
                    pp(half_rows),
                    n.ceil() as u64
                )
            } else {
                format!("{b} of {} background rows were used", auto.available)
            };
            out.push(format!(
                "background auto stopped at {b} rows with a global interval of ±{:.2} percentage points, above the target ±{:.2}: {why}",
                pp(iv.global.half_width()),
                pp(target)
            ));
        }
        None if half_bg > target => {
            let needed = b as f64 * (half_bg / (0.5 * target)).powi(2);
            out.push(format!(
                "the {b} background rows alone make the global score uncertain by ±{:.2} percentage points (target ±{:.2}): use --background auto, or about {} rows",
                pp(half_bg),
                pp(target),
                needed.ceil() as u64
            ));
        }
        _ => {}
    }
    out
}
