//! The report of `interplay experiment`: one row per (setting, modalities,
//! model), global InterSHAP over seeds next to the paper's figure.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::Provenance;
use crate::experiments::HdXorExperiment;

/// The paper's figure for a row and whether the measured mean agrees with it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PaperReference {
    /// The paper's mean global InterSHAP (percent).
    pub mean: f64,
    /// The paper's standard deviation over seeds (percent).
    pub sd: f64,
    /// Whether the measured mean lies within 2 paper standard deviations or 3
    /// points of it, whichever is larger.
    pub agrees: bool,
}

/// The scores InterSHAP is compared against, means over seeds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct RowBaselines {
    /// PID synergy of the model's predictions as a share of I(X1,X2;Ŷ), percent
    /// (two modalities only).
    pub pid_synergy_percent: Option<f64>,
    /// EMAP accuracy gap, a fraction (two modalities only).
    pub emap_accuracy_gap: Option<f64>,
    /// Model-output SHAPE: cross-modal part of v(M) − v(∅), percent.
    pub shape_cross_modal_percent: f64,
}

/// One (setting, modalities, model) of the experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExperimentRow {
    /// HD-XOR setting (`uniqueness1`, `synergy`, `redundancy`, `random`).
    pub setting: String,
    /// Number of modalities M.
    pub modalities: usize,
    /// `early`, `intermediate`, `late` (trained FCNNs) or `xor-function`.
    pub model: String,
    /// Global InterSHAP of each seed (percent), seeds 0, 1, ….
    pub per_seed: Vec<f64>,
    /// Mean over seeds (percent).
    pub mean: f64,
    /// Sample standard deviation over seeds (percent).
    pub sd: f64,
    /// The paper's figure, where it reports one.
    pub paper: Option<PaperReference>,
    /// Mean validation accuracy of the trained nets (`null` for the function).
    pub val_accuracy: Option<f64>,
    /// PID, EMAP and SHAPE beside InterSHAP, when asked for.
    pub baselines: Option<RowBaselines>,
    /// Seconds spent on this row's runs (training and scoring, all seeds).
    pub seconds: f64,
}

/// How the experiment was run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExperimentSettings {
    /// Numbers of modalities.
    pub modalities: Vec<usize>,
    /// HD-XOR settings.
    pub settings: Vec<String>,
    /// Models scored (fusion types, `xor-function`).
    pub models: Vec<String>,
    /// Seeds per row.
    pub seeds: u64,
    /// Samples per dataset.
    pub samples: usize,
    /// Training epochs of the nets.
    pub epochs: usize,
    /// Mini-batch size of the training.
    pub batch_size: usize,
    /// Learning rate of the training.
    pub lr: f64,
    /// InterSHAP background rows.
    pub background: usize,
    /// Test rows explained (`null`: all).
    pub explained: Option<usize>,
}

/// The experiment's table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct ExperimentReport {
    /// Versions, method (`experiment`), units (`percent`) and seed (0: seeds
    /// 0..n are used).
    #[serde(flatten)]
    pub provenance: Provenance,
    /// Which experiment (`intershap-hdxor`, `fusion-order`).
    pub experiment: String,
    /// How it was run.
    pub settings: ExperimentSettings,
    /// One row per (setting, modalities, model).
    pub rows: Vec<ExperimentRow>,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl ExperimentReport {
    /// The report of `rows` measured with `experiment`.
    pub fn new(name: &str, experiment: &HdXorExperiment, rows: Vec<ExperimentRow>) -> Self {
        let mut models: Vec<String> = experiment.fusions.iter().map(|f| f.to_string()).collect();
        if experiment.xor_function {
            models.push("xor-function".into());
        }
        let warnings = rows
            .iter()
            .filter(|r| r.val_accuracy.is_some_and(|a| a < 0.6))
            .map(|r| {
                format!(
                    "{} with {} modalities, {}: validation accuracy {:.3} — the net barely learnt the task, its InterSHAP describes a poor model",
                    r.setting,
                    r.modalities,
                    r.model,
                    r.val_accuracy.unwrap_or(f64::NAN)
                )
            })
            .collect();
        ExperimentReport {
            provenance: Provenance::new("experiment", "percent", 0),
            experiment: name.to_string(),
            settings: ExperimentSettings {
                modalities: experiment.modalities.clone(),
                settings: experiment.settings.iter().map(|s| s.name()).collect(),
                models,
                seeds: experiment.seeds,
                samples: experiment.n_samples,
                epochs: experiment.training.epochs,
                batch_size: experiment.training.batch_size,
                lr: experiment.training.lr,
                background: experiment.background,
                explained: experiment.explained,
            },
            rows,
            warnings,
        }
    }
}
