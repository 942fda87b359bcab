//! Reports of EMAP, SHAPE, the side-by-side comparison and training.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{serde_name, InterShapOutput, InterShapSettings, PidReport, Provenance};
use crate::emap::EmapResult;
use crate::model::fusion::{FusionTraining, TrainReport as FitReport};
use crate::shape::{ShapeIntervals, ShapeOutputResult, ShapeResult};
use crate::uncertainty::Interval;

/// EMAP: what a two-modality model loses when made additive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct EmapReport {
    /// Versions, method, units (`fraction`) and seed (of the subsample).
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Samples evaluated (after subsampling).
    pub n_samples: usize,
    /// Subsample asked for (`null`: every row).
    pub subsample: Option<usize>,
    /// Accuracy of the model f.
    pub accuracy: f64,
    /// Accuracy of its additive projection f̂.
    pub accuracy_emap: f64,
    /// accuracy − accuracy_emap.
    pub accuracy_gap: f64,
    /// Macro-F1 of f.
    pub macro_f1: f64,
    /// Macro-F1 of f̂.
    pub macro_f1_emap: f64,
    /// macro_f1 − macro_f1_emap.
    pub macro_f1_gap: f64,
    /// `logits`, or `log-probabilities` for models that return probabilities.
    pub projected_scores: String,
    /// Bootstrap interval of `accuracy` over the evaluated rows (`null` with
    /// `--bootstrap 0`). Every interval below shares its level and method:
    /// `bootstrap-rows` recomputes the additive projection from each resample;
    /// `bootstrap-rows-fixed-projection` (too many rows to keep n² scores) holds
    /// it fixed and is somewhat too narrow.
    pub accuracy_interval: Option<Interval>,
    /// Bootstrap interval of `accuracy_emap`.
    pub accuracy_emap_interval: Option<Interval>,
    /// Bootstrap interval of `accuracy_gap`.
    pub accuracy_gap_interval: Option<Interval>,
    /// Bootstrap interval of `macro_f1`.
    pub macro_f1_interval: Option<Interval>,
    /// Bootstrap interval of `macro_f1_emap`.
    pub macro_f1_emap_interval: Option<Interval>,
    /// Bootstrap interval of `macro_f1_gap`.
    pub macro_f1_gap_interval: Option<Interval>,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl EmapReport {
    /// The report of `r`, computed with `seed` and `subsample`.
    pub fn new(r: &EmapResult, seed: u64, subsample: Option<usize>) -> Self {
        EmapReport {
            provenance: Provenance::new("emap", "fraction", seed),
            n_samples: r.n_samples,
            subsample,
            accuracy: r.accuracy,
            accuracy_emap: r.accuracy_emap,
            accuracy_gap: r.accuracy_gap,
            macro_f1: r.macro_f1,
            macro_f1_emap: r.macro_f1_emap,
            macro_f1_gap: r.macro_f1_gap,
            projected_scores: r.projected_scores.to_string(),
            accuracy_interval: r.intervals.map(|i| i.accuracy),
            accuracy_emap_interval: r.intervals.map(|i| i.accuracy_emap),
            accuracy_gap_interval: r.intervals.map(|i| i.accuracy_gap),
            macro_f1_interval: r.intervals.map(|i| i.macro_f1),
            macro_f1_emap_interval: r.intervals.map(|i| i.macro_f1_emap),
            macro_f1_gap_interval: r.intervals.map(|i| i.macro_f1_gap),
            warnings: Vec::new(),
        }
    }
}

/// Performance-based SHAPE, in the metric it names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapePerformance {
    /// `macro_f1` or `accuracy`.
    pub metric: String,
    /// Metric of always predicting the majority label.
    pub base: f64,
    /// Metric on full inputs.
    pub full: f64,
    /// Metric with only modality i kept.
    pub single: Vec<f64>,
    /// Per-modality contribution P_i − base.
    pub contributions: Vec<f64>,
    /// Cross-modal SHAPE: P_all − base − Σ (P_i − base).
    pub cross_modal: f64,
    /// Bootstrap interval of `cross_modal` over the explained rows, every metric
    /// and the majority base recomputed per resample (`null` with `--bootstrap 0`).
    pub cross_modal_interval: Option<Interval>,
}

/// Model-output SHAPE, in probability.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapeOutput {
    /// Mean v(∅).
    pub base_value: f64,
    /// Mean v(M) − v(∅).
    pub total_effect: f64,
    /// Mean v({i}) − v(∅) per modality.
    pub single_effects: Vec<f64>,
    /// Mean v(M) − v(∅) − Σ (v({i}) − v(∅)).
    pub cross_modal: f64,
    /// cross_modal / total_effect.
    pub cross_modal_ratio: f64,
    /// Bootstrap interval of `cross_modal` over the explained rows, the
    /// background rows held fixed (their draw's variance is not included; `null`
    /// with `--bootstrap 0`).
    pub cross_modal_interval: Option<Interval>,
    /// Bootstrap interval of `cross_modal_ratio`, from the same resamples.
    pub cross_modal_ratio_interval: Option<Interval>,
    /// Background rows absent modalities were averaged over.
    pub background_rows: usize,
}

/// SHAPE: cross-modal cooperation from modality coalitions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ShapeReport {
    /// Versions, method, units (`fraction`) and seed (of the background draw).
    #[serde(flatten)]
    pub provenance: Provenance,
    /// The performance variant.
    pub performance: ShapePerformance,
    /// The model-output variant.
    pub output: ShapeOutput,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl ShapeReport {
    /// The report of both SHAPE variants.
    pub fn new(perf: &ShapeResult, out: &ShapeOutputResult, seed: u64) -> Self {
        ShapeReport {
            provenance: Provenance::new("shape", "fraction", seed),
            performance: ShapePerformance::new(perf),
            output: ShapeOutput::new(out),
            warnings: Vec::new(),
        }
    }

    /// The report with the bootstrap intervals of its cross-modal scores.
    pub fn with_intervals(mut self, intervals: Option<ShapeIntervals>) -> Self {
        self.performance.cross_modal_interval = intervals.map(|i| i.performance_cross_modal);
        self.output.cross_modal_interval = intervals.map(|i| i.output_cross_modal);
        self.output.cross_modal_ratio_interval = intervals.map(|i| i.output_cross_modal_ratio);
        self
    }
}

impl ShapePerformance {
    /// From the library's result.
    pub fn new(p: &ShapeResult) -> Self {
        ShapePerformance {
            metric: serde_name(&p.metric),
            base: p.base,
            full: p.full,
            single: p.single.clone(),
            contributions: p.contributions.clone(),
            cross_modal: p.cross_modal,
            cross_modal_interval: None,
        }
    }
}

impl ShapeOutput {
    /// From the library's result.
    pub fn new(o: &ShapeOutputResult) -> Self {
        ShapeOutput {
            base_value: o.base_value,
            total_effect: o.total_effect,
            single_effects: o.single_effects.clone(),
            cross_modal: o.cross_modal,
            cross_modal_ratio: o.cross_modal_ratio,
            cross_modal_interval: None,
            cross_modal_ratio_interval: None,
            background_rows: o.background_size,
        }
    }
}

/// The InterSHAP part of a comparison.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareInterShap {
    /// The settings of the InterSHAP run.
    pub settings: InterShapSettings,
    /// The explanation of the predicted class.
    #[serde(flatten)]
    pub output: InterShapOutput,
}

/// InterSHAP, PID, EMAP and SHAPE of one model side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct CompareReport {
    /// Versions, method, units (`fraction` for the scores) and seed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Rows compared on.
    pub n_samples: usize,
    /// InterSHAP of the model.
    pub intershap: CompareInterShap,
    /// PID of the model's predictions on the discretised inputs.
    pub pid_model: PidReport,
    /// PID of the labels on the same discretisation.
    pub pid_labels: PidReport,
    /// EMAP (two modalities only).
    pub emap: Option<EmapReport>,
    /// Both SHAPE variants.
    pub shape: ShapeReport,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

/// What training a built-in fusion network achieved.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrainReport {
    /// Versions, method, units (`nats` for the losses) and seed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// `early`, `intermediate` or `late`.
    pub fusion: String,
    /// Trainable parameters.
    pub parameters: usize,
    /// Epoch (1-based) whose parameters were kept (best validation macro-F1).
    pub best_epoch: usize,
    /// Validation accuracy of the kept parameters.
    pub val_accuracy: f64,
    /// Validation macro-F1 of the kept parameters.
    pub val_macro_f1: f64,
    /// Accuracy of always predicting the validation split's majority class.
    pub majority_accuracy: f64,
    /// Mean training loss of every epoch.
    pub train_loss: Vec<f64>,
    /// Every training setting.
    pub config: TrainSettings,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

/// The training settings, as in [`FusionTraining`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct TrainSettings {
    /// Passes over the training split.
    pub epochs: usize,
    /// Rows per mini-batch.
    pub batch_size: usize,
    /// Base learning rate.
    pub lr: f64,
    /// L2 weight decay.
    pub weight_decay: f64,
    /// Epochs between learning-rate decays.
    pub lr_step: usize,
    /// Learning-rate decay factor.
    pub lr_gamma: f64,
}

impl TrainReport {
    /// The report of a fit.
    pub fn new(
        fusion: &str,
        parameters: usize,
        fit: &FitReport,
        config: &FusionTraining,
        majority_accuracy: f64,
    ) -> Self {
        let mut warnings = Vec::new();
        if fit.val_accuracy <= majority_accuracy {
            warnings.push(format!(
                "validation accuracy {:.3} is not above the majority-class rate {:.3}: the model has learnt nothing usable, and scores explaining it mean little",
                fit.val_accuracy, majority_accuracy
            ));
        }
        TrainReport {
            provenance: Provenance::new("train", "nats", config.seed),
            fusion: fusion.to_string(),
            parameters,
            best_epoch: fit.best_epoch,
            val_accuracy: fit.val_accuracy,
            val_macro_f1: fit.val_macro_f1,
            majority_accuracy,
            train_loss: fit.train_loss.clone(),
            config: TrainSettings {
                epochs: config.epochs,
                batch_size: config.batch_size,
                lr: config.lr,
                weight_decay: config.weight_decay,
                lr_step: config.lr_step,
                lr_gamma: config.lr_gamma,
            },
            warnings,
        }
    }
}
