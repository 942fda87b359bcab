//! `interplay lsmi`: sample-level redundancy, uniqueness and synergy of a labelled
//! multimodal dataset (LSMI), for every pair of modalities.

use super::data_args::DataArgs;
use super::uncertainty_args::UncertaintyArgs;
use super::UsageError;
use crate::output::{table, warn_all, Outputs};
use crate::progress::Bars;
use anyhow::Context as _;
use interplay::data::{Dataset, Split};
use interplay::knife::{KnifeConfig, KnifeInit};
use interplay::lsmi::uncertainty::MAX_REPEATS;
use interplay::lsmi::{
    estimate_cross_fitted, refit_configs, score_shard, FittedLsmi, LsmiConfig, LsmiResult, Prior,
    ScoreSettings,
};
use interplay::nn::ClassifierTraining;
use interplay::params::{Checked, Validate};
use interplay::report::table::{check_format, lsmi_table, TABLE_EXTENSIONS};
use interplay::report::LsmiReport;
use interplay::shard::Shard;
use interplay::Units;
use std::path::PathBuf;

/// Which rows are decomposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SplitChoice {
    /// Fit on `train`, decompose the held-out `val` split (honest; the default).
    Val,
    /// Fit and decompose `train` itself (in-sample: PMIs are inflated by overfitting).
    Train,
    /// Fit on `train`, decompose every split concatenated in the order train, val,
    /// test, others (train rows in-sample);
    /// with --folds, cross-fit over all rows instead.
    All,
}

/// The library's defaults, the only place they are written.
fn defaults() -> LsmiConfig {
    LsmiConfig::default()
}

/// Arguments of `interplay lsmi`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct Args {
    /// The labelled data: train (and val) splits of two or more modalities.
    #[command(flatten)]
    pub data: DataArgs,
    /// Rows to decompose: held-out `val`, in-sample `train`, or `all` splits.
    #[arg(long, value_enum, default_value_t = SplitChoice::Val)]
    pub split: SplitChoice,
    /// Label prior in the pointwise mutual informations.
    #[arg(long, default_value_t = defaults().prior, conflicts_with = "models")]
    pub prior: Prior,
    /// Report the raw atoms without the original's dataset-level shift.
    #[arg(long)]
    pub no_adjust: bool,
    /// Fit on the features as given, without standardising each modality with the
    /// training rows' mean and standard deviation (the original code's behaviour;
    /// LSMI's redundancy then depends on the features' scales).
    #[arg(long, conflicts_with = "models")]
    pub no_standardise: bool,
    /// Refit with K seeds (seed, seed+1, …) on the same rows and report each
    /// atom's mean over refits, its between-seed spread and a combined interval
    /// (sampling and seed error); the rest of the report is the first fit's.
    #[arg(long, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=MAX_REPEATS as u64),
          conflicts_with_all = ["models", "save_models"])]
    pub repeats: u64,
    /// Interval settings.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Units of every reported quantity: nats or bits.
    #[arg(long, default_value_t = Units::default())]
    pub units: Units,
    /// Seed of every random choice (initialisation, batch order, folds).
    #[arg(long, default_value_t = defaults().seed, conflicts_with = "models")]
    pub seed: u64,
    /// Training epochs of the classifiers.
    #[arg(long, default_value_t = defaults().discriminator.epochs, conflicts_with = "models")]
    pub epochs_discriminator: usize,
    /// Training epochs of the KNIFE entropy estimators.
    #[arg(long, default_value_t = defaults().knife.epochs, conflicts_with = "models")]
    pub epochs_entropy: usize,
    /// Mini-batch size of all training.
    #[arg(long, default_value_t = defaults().discriminator.batch_size, conflicts_with = "models")]
    pub batch_size: usize,
    /// Hidden width of the classifiers' two hidden layers.
    #[arg(long, default_value_t = defaults().hidden, conflicts_with = "models")]
    pub hidden: usize,
    /// KNIFE mixture components per modality.
    #[arg(long, default_value_t = defaults().knife.components, conflicts_with = "models")]
    pub components: usize,
    /// Where KNIFE's component means start: at random training rows (`samples`,
    /// better fits) or N(0, init_std²) (`random`, the original code).
    #[arg(long, default_value_t = defaults().knife.init, conflicts_with = "models")]
    pub knife_init: KnifeInit,
    /// Standard deviation of KNIFE's initial log-scales and coupling (the original
    /// code uses 1.0 with random means).
    #[arg(long, default_value_t = defaults().knife.init_std, conflicts_with = "models")]
    pub knife_init_std: f64,
    /// Compatibility with the original code, which never zeroes KNIFE's gradients
    /// (Adam then sees the running sum of all batch gradients).
    #[arg(long, conflicts_with = "models")]
    pub accumulate_knife_grads: bool,
    /// Cross-fit with K folds over the chosen rows, so every row gets an
    /// out-of-fold estimate (use for single-split data).
    #[arg(long, value_name = "K", conflicts_with = "models")]
    pub folds: Option<usize>,
    /// Save the fitted classifiers, densities and standardisers to this
    /// `.safetensors` file, to score other rows (or shards of them) later with
    /// --models without fitting again.
    #[arg(long, value_name = "OUT", conflicts_with_all = ["models", "folds"])]
    pub save_models: Option<PathBuf>,
    /// Score the rows with models saved by --save-models instead of fitting
    /// (the fitting flags are then the file's; --no-adjust and the interval
    /// flags still apply).
    #[arg(long, value_name = "FILE")]
    pub models: Option<PathBuf>,
    /// Score only shard i of n (0-based, `0/4` … `3/4`) of the rows with
    /// --models and write its partial result to --partial; `interplay merge`
    /// puts the shards together into the report of one run.
    #[arg(long, value_name = "I/N", requires_all = ["models", "partial"],
          conflicts_with_all = ["json", "per_sample"])]
    pub shard: Option<Shard>,
    /// Where --shard writes its partial result (JSON).
    #[arg(long, value_name = "OUT", requires = "shard")]
    pub partial: Option<PathBuf>,
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write one row per sample (r, u1, u2, s and the five pointwise quantities) to
    /// this file: CSV, NumPy .npz or Apache .parquet by extension (.parquet needs
    /// the `parquet` feature, on by default).
    #[arg(long, value_name = "OUT")]
    pub per_sample: Option<PathBuf>,
}

impl Args {
    fn config(&self) -> LsmiConfig {
        LsmiConfig {
            seed: self.seed,
            prior: self.prior,
            adjust: !self.no_adjust,
            standardise: !self.no_standardise,
            hidden: self.hidden,
            discriminator: ClassifierTraining {
                epochs: self.epochs_discriminator,
                batch_size: self.batch_size,
                ..ClassifierTraining::default()
            },
            knife: KnifeConfig {
                components: self.components,
                init: self.knife_init,
                init_std: self.knife_init_std,
                accumulate_grads: self.accumulate_knife_grads,
                epochs: self.epochs_entropy,
                batch_size: self.batch_size,
                ..KnifeConfig::default()
            },
        }
    }
}

fn split_or_usage<'a>(data: &'a Dataset, name: &str, hint: &str) -> anyhow::Result<&'a Split> {
    data.splits
        .get(name)
        .ok_or_else(|| UsageError(format!("the data have no '{name}' split; {hint}")).into())
}

/// The rows `--split` decomposes without cross-fitting.
fn eval_rows(args: &Args, data: &Dataset) -> anyhow::Result<Split> {
    let hint = "use --folds K to cross-fit a single split";
    Ok(match args.split {
        SplitChoice::Val => split_or_usage(data, "val", hint)?.clone(),
        SplitChoice::Train => split_or_usage(data, "train", hint)?.clone(),
        SplitChoice::All => data.concat_all()?,
    })
}

/// Fit and decompose as the arguments ask; returns the split label reported and,
/// without cross-fitting, the fitted models (for --save-models).
fn run_estimate(
    args: &Args,
    config: &Checked<LsmiConfig>,
    data: &Dataset,
    bars: &Bars,
) -> anyhow::Result<(LsmiResult, String, Option<FittedLsmi>)> {
    if let Some(k) = args.folds {
        let rows = match args.split {
            SplitChoice::All => data.concat_all()?,
            SplitChoice::Val => split_or_usage(data, "val", "use --split train or all")?.clone(),
            SplitChoice::Train => split_or_usage(data, "train", "use --split all")?.clone(),
        };
        let label = format!("{} ({k}-fold cross-fitted)", split_name(args.split));
        return Ok((estimate_cross_fitted(&rows, k, config, bars)?, label, None));
    }
    let train = split_or_usage(data, "train", "use --folds K to cross-fit a single split")?;
    let eval = eval_rows(args, data)?;
    let fitted = FittedLsmi::fit_for(train, &eval, config, bars)?;
    let result = fitted.score(&eval, config.adjust)?;
    Ok((result, split_name(args.split).to_string(), Some(fitted)))
}

fn split_name(s: SplitChoice) -> &'static str {
    match s {
        SplitChoice::Val => "val",
        SplitChoice::Train => "train",
        SplitChoice::All => "all",
    }
}

/// Run `interplay lsmi`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--json", args.json.as_deref(), &["json"]),
        (
            "--per-sample",
            args.per_sample.as_deref(),
            &TABLE_EXTENSIONS,
        ),
        (
            "--save-models",
            args.save_models.as_deref(),
            &["safetensors"],
        ),
        ("--partial", args.partial.as_deref(), &["json"]),
    ])?;
    if let Some(path) = &args.per_sample {
        check_format(path)?;
    }
    let uncertainty = args.uncertainty.config()?;
    let data = args
        .data
        .load(None)
        .with_context(|| format!("reading {}", args.data.data.display()))?;
    let bars = Bars::new(ctx.quiet);
    let (fits, config, split) = match &args.models {
        Some(path) => {
            let fitted = FittedLsmi::load(path)?;
            let settings = ScoreSettings {
                adjust: !args.no_adjust,
                uncertainty: *uncertainty,
                units: args.units,
                evaluated: split_name(args.split).to_string(),
            };
            let eval = eval_rows(&args, &data)?;
            if let (Some(shard), Some(out)) = (args.shard, &args.partial) {
                let part = score_shard(&fitted, &eval, shard, &settings)?;
                say!(
                    "LSMI shard {shard} of split '{}': rows {}..{} of {}",
                    settings.evaluated,
                    part.first_row,
                    part.first_row + part.rows(),
                    part.total_rows
                );
                outputs.json(out, &part)?;
                return outputs.commit();
            }
            let result = fitted.score(&eval, settings.adjust)?;
            let config = LsmiConfig {
                adjust: settings.adjust,
                ..*fitted.config()
            };
            (vec![result], config, settings.evaluated)
        }
        None => {
            let config = args.config().validate()?;
            let refits = refit_configs(&config, args.repeats as usize)?;
            let mut fits = Vec::with_capacity(refits.len());
            let mut split = String::new();
            for refit in &refits {
                let (result, label, fitted) = run_estimate(&args, refit, &data, &bars)?;
                if let (Some(path), Some(fitted)) = (&args.save_models, fitted) {
                    outputs.staging().write_bytes(path, &fitted.to_bytes()?)?;
                }
                fits.push(result);
                split = label;
            }
            (fits, *config, split)
        }
    };
    let report = LsmiReport::new(&fits, &config, &uncertainty, args.folds, &split, args.units)?;
    say!(
        "LSMI on {} ({} rows, split {split}, {} prior), {}:",
        args.data.data.display(),
        report.n,
        report.settings.prior,
        args.units.name()
    );
    say!("{}", text(&report));
    warn_all(&report.warnings);
    if let Some(path) = &args.per_sample {
        lsmi_table(&fits[0], args.units)?.write(outputs.staging(), path)?;
    }
    if let Some(path) = &args.json {
        outputs.json(path, &report)?;
    }
    outputs.commit()
}

/// How the intervals were obtained, said once under the table
/// (`95 % intervals: bootstrap over 400 rows (1000 replicates)`).
fn interval_note(report: &LsmiReport) -> String {
    let s = &report.settings;
    let how = if s.bootstrap > 0 {
        format!(
            "bias-corrected bootstrap over {} rows ({} replicates, shift recomputed per replicate)",
            report.n, s.bootstrap
        )
    } else {
        format!("normal, from the standard error over {} rows", report.n)
    };
    format!("{} % intervals: {how}", 100.0 * s.confidence)
}

/// The readable result: adjusted and raw means per pair with their intervals,
/// then each pair's shift, mutual informations and entropies, then (with
/// `--repeats`) the atoms over refits, in the report's units.
pub fn text(report: &LsmiReport) -> String {
    let rows: Vec<Vec<String>> = report
        .pairs
        .iter()
        .flat_map(|p| {
            let name = format!("{}-{}", p.modalities[0], p.modalities[1]);
            [
                ("adjusted", p.adjusted, p.adjusted_interval),
                ("raw", p.raw, p.raw_interval),
            ]
            .map(|(kind, a, i)| {
                let mut row = vec![name.clone(), kind.to_string()];
                let values = [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy];
                row.extend(
                    values
                        .iter()
                        .zip(i.to_array())
                        .map(|(v, i)| i.format(*v, 4)),
                );
                row
            })
        })
        .collect();
    let mut out = table(&["pair", "means", "R", "U1", "U2", "S"], &rows);
    out.push_str(&format!("\n{}", interval_note(report)));
    for p in &report.pairs {
        out.push_str(&format!(
            "\npair {}-{}: shift {:.4}; I(x1;y) {}, I(x2;y) {}, I(x1,x2;y) {}; h(x1) {:.4}, h(x2) {:.4}",
            p.modalities[0],
            p.modalities[1],
            p.adjustment,
            p.mi_interval.x1_y.format(p.mi.x1_y, 4),
            p.mi_interval.x2_y.format(p.mi.x2_y, 4),
            p.mi_interval.x1x2_y.format(p.mi.x1x2_y, 4),
            p.entropy.x1,
            p.entropy.x2,
        ));
    }
    if let Some(r) = &report.repeats {
        let rows: Vec<Vec<String>> = r
            .pairs
            .iter()
            .flat_map(|p| {
                let name = format!("{}-{}", p.modalities[0], p.modalities[1]);
                [
                    ("mean [combined]", 0),
                    ("between-seed sd", 1),
                    ("sampling se", 2),
                ]
                .map(|(kind, what)| {
                    let mut row = vec![name.clone(), kind.to_string()];
                    row.extend(p.adjusted.to_array().map(|a| match what {
                        0 => a.interval.format(a.mean, 4),
                        1 => format!("{:.4}", a.between_seed_sd),
                        _ => format!("{:.4}", a.sampling_se),
                    }));
                    row
                })
            })
            .collect();
        out.push_str(&format!(
            "\n\nadjusted atoms over {} seeds ({}):\n",
            r.seeds.len(),
            r.seeds
                .iter()
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
        out.push_str(&table(&["pair", "", "R", "U1", "U2", "S"], &rows));
        out.push_str(&format!(
            "\n{} % intervals: normal, sampling se² + between-seed sd² / {}",
            100.0 * report.settings.confidence,
            r.seeds.len()
        ));
    }
    out
}
