//! HD-XOR with M modalities (InterSHAP spec §4–6): generate the data of every
//! setting, train the paper's fusion nets and evaluate the exact XOR function,
//! and report global InterSHAP on the test split (mean ± sd over seeds) next to
//! the paper's figures, with PID, EMAP and SHAPE beside it on request.

use ndarray::ArrayView2;
use std::time::Instant;

use super::paper::{self, PaperFigure};
use super::xor_function::XorFunction;
use crate::emap::{emap, EmapOptions};
use crate::intershap::{explain, BackgroundRows, InterShapConfig};
use crate::model::fusion::{train_fusion, Fusion, FusionTraining};
use crate::model::Model;
use crate::params::{at_least, at_most, Checked, Validate};
use crate::pid::continuous::{pid_of_model, DiscretiseOptions};
use crate::pid::BrojaOptions;
use crate::progress::Progress;
use crate::report::{ExperimentReport, ExperimentRow, PaperReference, RowBaselines};
use crate::shape::shape_output;
use crate::synth::hdxor::{generate, HdXorConfig, HdXorSetting};
use crate::uncertainty::UncertaintyConfig;
use crate::{data::Dataset, Error, Result};

/// What to run.
#[derive(Debug, Clone, PartialEq)]
pub struct HdXorExperiment {
    /// Numbers of modalities M (2 to 8).
    pub modalities: Vec<usize>,
    /// Settings to generate.
    pub settings: Vec<HdXorSetting>,
    /// Fusion nets to train (none: only the XOR function).
    pub fusions: Vec<Fusion>,
    /// Also score the exact XOR function.
    pub xor_function: bool,
    /// Seeds 0..seeds (data, training and InterSHAP all use the seed).
    pub seeds: u64,
    /// Samples per dataset (split 70 / 15 / 15).
    pub n_samples: usize,
    /// Training of the fusion nets (the seed is set per run).
    pub training: FusionTraining,
    /// Background rows for InterSHAP (from the training split).
    pub background: usize,
    /// Explain this many test rows (`None`: the whole test split).
    pub explained: Option<usize>,
    /// Also compute PID of the model (M = 2), EMAP (M = 2) and SHAPE.
    pub with_baselines: bool,
}

impl Default for HdXorExperiment {
    /// The paper's scale: 20 000 samples, 200 epochs, 3 seeds, M = 2, 3, 4, the
    /// three settings of its M-modality table, early fusion and the XOR function.
    fn default() -> Self {
        HdXorExperiment {
            modalities: vec![2, 3, 4],
            settings: vec![
                HdXorSetting::Uniqueness(1),
                HdXorSetting::Synergy,
                HdXorSetting::Redundancy,
            ],
            fusions: vec![Fusion::Early],
            xor_function: true,
            seeds: 3,
            n_samples: 20_000,
            training: FusionTraining::default(),
            background: 100,
            explained: None,
            with_baselines: false,
        }
    }
}

impl Validate for HdXorExperiment {
    fn check(&self) -> Result<()> {
        if self.modalities.is_empty() || self.settings.is_empty() {
            return Err(Error::invalid(
                "the experiment needs modalities and settings",
            ));
        }
        for &m in &self.modalities {
            at_least("modalities", m, 2)?;
            at_most("modalities", m, 8)?;
        }
        if self.fusions.is_empty() && !self.xor_function {
            return Err(Error::invalid(
                "nothing to score: no fusion net and no XOR function",
            ));
        }
        at_least("seeds", self.seeds as usize, 1)?;
        at_least("samples", self.n_samples, 100)?;
        at_least("background", self.background, 1)?;
        if let Some(n) = self.explained {
            at_least("explained", n, 1)?;
        }
        self.training.check()
    }
}

/// One run's figures.
struct RunScores {
    global_percent: f64,
    val_accuracy: Option<f64>,
    baselines: Option<RowBaselines>,
}

/// Run the experiment; each finished row is reported to `on_row` as it completes
/// (the command line prints rows as they come).
pub fn run_hdxor(
    experiment: &Checked<HdXorExperiment>,
    progress: &dyn Progress,
    on_row: &mut dyn FnMut(&ExperimentRow),
) -> Result<ExperimentReport> {
    let mut rows = Vec::new();
    let mut models: Vec<Option<Fusion>> = experiment.fusions.iter().copied().map(Some).collect();
    if experiment.xor_function {
        models.push(None);
    }
    for &m in &experiment.modalities {
        for &setting in &experiment.settings {
            let mut runs: Vec<Vec<RunScores>> = (0..models.len()).map(|_| Vec::new()).collect();
            let mut seconds = vec![0.0; models.len()];
            for seed in 0..experiment.seeds {
                let data = dataset(experiment, setting, m, seed)?;
                for (k, model) in models.iter().enumerate() {
                    let start = Instant::now();
                    if let Some(scores) = run_one(experiment, &data, *model, seed, progress)? {
                        runs[k].push(scores);
                    }
                    seconds[k] += start.elapsed().as_secs_f64();
                }
            }
            for (k, model) in models.iter().enumerate() {
                if runs[k].is_empty() {
                    continue;
                }
                let row = summarise(setting, m, *model, &runs[k], seconds[k]);
                on_row(&row);
                rows.push(row);
            }
        }
    }
    Ok(ExperimentReport::new("intershap-hdxor", experiment, rows))
}

/// The HD-XOR data of one setting, M and seed, with its bit carriers.
fn dataset(
    experiment: &HdXorExperiment,
    setting: HdXorSetting,
    m: usize,
    seed: u64,
) -> Result<(Dataset, Vec<Vec<usize>>)> {
    let config = HdXorConfig {
        n_samples: experiment.n_samples,
        ..HdXorConfig::new(setting, m)
    }
    .validate()?;
    let data = generate(&config, seed)?;
    Ok((data.dataset, data.bit_carriers))
}

/// Train (or build the XOR function) and score one run; `None` when the XOR
/// function does not exist for the setting (no modality carries the label).
fn run_one(
    experiment: &HdXorExperiment,
    (data, carriers): &(Dataset, Vec<Vec<usize>>),
    fusion: Option<Fusion>,
    seed: u64,
    progress: &dyn Progress,
) -> Result<Option<RunScores>> {
    let (train, val, test) = (
        data.split("train")?,
        data.split("val")?,
        data.split("test")?,
    );
    let (model, val_accuracy): (Box<dyn Model>, Option<f64>) = match fusion {
        Some(f) => {
            let training = FusionTraining {
                seed,
                ..experiment.training
            }
            .validate()?;
            let (net, report) = train_fusion(f, train, val, 2, &training, progress)?;
            (Box::new(net), Some(report.val_accuracy))
        }
        None => match XorFunction::new(data, carriers) {
            Ok(f) => (Box::new(f), None),
            Err(_) => return Ok(None),
        },
    };
    let config = InterShapConfig {
        seed,
        background: BackgroundRows::Sample(experiment.background),
        samples: experiment.explained,
        uncertainty: UncertaintyConfig {
            replicates: 0,
            ..UncertaintyConfig::default()
        },
        ..InterShapConfig::default()
    }
    .validate()?;
    let result = explain(model.as_ref(), test, train, &config, progress)?;
    let global_percent = result
        .explanations
        .first()
        .map_or(f64::NAN, |e| e.global_percent());
    let baselines = if experiment.with_baselines {
        Some(baselines(model.as_ref(), data, seed, progress)?)
    } else {
        None
    };
    Ok(Some(RunScores {
        global_percent,
        val_accuracy,
        baselines,
    }))
}

/// PID synergy share of the model's predictions and the EMAP accuracy gap (two
/// modalities), and model-output SHAPE's cross-modal ratio, on the test split.
fn baselines(
    model: &dyn Model,
    data: &Dataset,
    seed: u64,
    progress: &dyn Progress,
) -> Result<RowBaselines> {
    let (train, test) = (data.split("train")?, data.split("test")?);
    let views = test.views();
    let bg = train.select(&crate::model::eval::background_rows(
        train.len(),
        Some(100),
        seed,
    ));
    let shape = shape_output(model, &views, &bg.views())?;
    let (mut pid_share, mut emap_gap) = (None, None);
    if let [x1, x2] = views[..] {
        let labels = test.require_labels("EMAP")?;
        let options = EmapOptions {
            subsample: Some(1000),
            seed,
            ..EmapOptions::default()
        }
        .validate()?;
        emap_gap = Some(emap(model, x1, x2, labels, &options, progress)?.accuracy_gap);
        pid_share = Some(pid_share_of(model, x1, x2, seed)?);
    }
    Ok(RowBaselines {
        pid_synergy_percent: pid_share,
        emap_accuracy_gap: emap_gap,
        shape_cross_modal_percent: 100.0 * shape.cross_modal_ratio,
    })
}

/// Synergy of the model's predictions as a share of I(X1,X2;Ŷ) (percent), with
/// the discretisation the paper's comparison uses on synthetic data.
fn pid_share_of(
    model: &dyn Model,
    x1: ArrayView2<'_, f32>,
    x2: ArrayView2<'_, f32>,
    seed: u64,
) -> Result<f64> {
    let options = DiscretiseOptions {
        seed,
        ..DiscretiseOptions::synthetic()
    }
    .validate()?;
    let broja = BrojaOptions::default().validate()?;
    let pid = pid_of_model(x1, x2, model, &options, &broja)?.pid;
    Ok(if pid.mi_x1x2_y > 0.0 {
        100.0 * pid.synergy / pid.mi_x1x2_y
    } else {
        0.0
    })
}

/// Mean and sample standard deviation (0 with one value).
fn mean_sd(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if values.len() < 2 {
        return (mean, 0.0);
    }
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, var.sqrt())
}

/// The row of one (setting, M, model) over its seeds.
fn summarise(
    setting: HdXorSetting,
    m: usize,
    fusion: Option<Fusion>,
    runs: &[RunScores],
    seconds: f64,
) -> ExperimentRow {
    let per_seed: Vec<f64> = runs.iter().map(|r| r.global_percent).collect();
    let (mean, sd) = mean_sd(&per_seed);
    let paper_figure: Option<PaperFigure> = match fusion {
        Some(f) => paper::fcnn(setting, m, f),
        None => paper::xor_function(setting, m),
    };
    let accuracies: Vec<f64> = runs.iter().filter_map(|r| r.val_accuracy).collect();
    let mean_of = |f: &dyn Fn(&RowBaselines) -> Option<f64>| -> Option<f64> {
        let v: Vec<f64> = runs
            .iter()
            .filter_map(|r| r.baselines.as_ref().and_then(f))
            .collect();
        (!v.is_empty()).then(|| mean_sd(&v).0)
    };
    let baselines = runs
        .first()
        .and_then(|r| r.baselines.as_ref())
        .map(|_| RowBaselines {
            pid_synergy_percent: mean_of(&|b| b.pid_synergy_percent),
            emap_accuracy_gap: mean_of(&|b| b.emap_accuracy_gap),
            shape_cross_modal_percent: mean_of(&|b| Some(b.shape_cross_modal_percent))
                .unwrap_or(f64::NAN),
        });
    ExperimentRow {
        setting: setting.name(),
        modalities: m,
        model: fusion.map_or_else(|| "xor-function".to_string(), |f| f.to_string()),
        per_seed,
        mean,
        sd,
        paper: paper_figure.map(|p| PaperReference {
            mean: p.mean,
            sd: p.sd,
            agrees: paper::agrees(p, mean),
        }),
        val_accuracy: (!accuracies.is_empty()).then(|| mean_sd(&accuracies).0),
        baselines,
        seconds,
    }
}
