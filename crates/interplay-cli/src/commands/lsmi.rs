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
    estimate, estimate_cross_fitted, refit_configs, LsmiConfig, LsmiResult, Prior,
};
use interplay::nn::ClassifierTraining;
use interplay::params::{Checked, Validate};
use interplay::report::table::{check_format, lsmi_table, TABLE_EXTENSIONS};
use interplay::report::LsmiReport;
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
    #[arg(long, default_value_t = defaults().prior)]
    pub prior: Prior,
    /// Report the raw atoms without the original's dataset-level shift.
    #[arg(long)]
    pub no_adjust: bool,
    /// Fit on the features as given, without standardising each modality with the
    /// training rows' mean and standard deviation (the original code's behaviour;
    /// LSMI's redundancy then depends on the features' scales).
    #[arg(long)]
    pub no_standardise: bool,
    /// Refit with K seeds (seed, seed+1, …) on the same rows and report each
    /// atom's mean over refits, its between-seed spread and a combined interval
    /// (sampling and seed error); the rest of the report is the first fit's.
    #[arg(long, value_name = "K", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=MAX_REPEATS as u64))]
    pub repeats: u64,
    /// Interval settings.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Units of every reported quantity: nats or bits.
    #[arg(long, default_value_t = Units::default())]
    pub units: Units,
    /// Seed of every random choice (initialisation, batch order, folds).
    #[arg(long, default_value_t = defaults().seed)]
    pub seed: u64,
    /// Training epochs of the classifiers.
    #[arg(long, default_value_t = defaults().discriminator.epochs)]
    pub epochs_discriminator: usize,
    /// Training epochs of the KNIFE entropy estimators.
    #[arg(long, default_value_t = defaults().knife.epochs)]
    pub epochs_entropy: usize,
    /// Mini-batch size of all training.
    #[arg(long, default_value_t = defaults().discriminator.batch_size)]
    pub batch_size: usize,
    /// Hidden width of the classifiers' two hidden layers.
    #[arg(long, default_value_t = defaults().hidden)]
    pub hidden: usize,
    /// KNIFE mixture components per modality.
    #[arg(long, default_value_t = defaults().knife.components)]
    pub components: usize,
    /// Where KNIFE's component means start: at random training rows (`samples`,
    /// better fits) or N(0, init_std²) (`random`, the original code).
    #[arg(long, default_value_t = defaults().knife.init)]
    pub knife_init: KnifeInit,
    /// Standard deviation of KNIFE's initial log-scales and coupling (the original
    /// code uses 1.0 with random means).
    #[arg(long, default_value_t = defaults().knife.init_std)]
    pub knife_init_std: f64,
    /// Compatibility with the original code, which never zeroes KNIFE's gradients
    /// (Adam then sees the running sum of all batch gradients).
    #[arg(long)]
    pub accumulate_knife_grads: bool,
    /// Cross-fit with K folds over the chosen rows, so every row gets an
    /// out-of-fold estimate (use for single-split data).
    #[arg(long, value_name = "K")]
    pub folds: Option<usize>,
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

/// Fit and decompose as the arguments ask; returns the split label reported.
fn run_estimate(
    args: &Args,
    config: &Checked<LsmiConfig>,
    data: &Dataset,
    bars: &Bars,
) -> anyhow::Result<(LsmiResult, String)> {
    if let Some(k) = args.folds {
        let rows = match args.split {
            SplitChoice::All => data.concat_all()?,
            SplitChoice::Val => split_or_usage(data, "val", "use --split train or all")?.clone(),
            SplitChoice::Train => split_or_usage(data, "train", "use --split all")?.clone(),
        };
        let label = format!("{} ({k}-fold cross-fitted)", split_name(args.split));
        return Ok((estimate_cross_fitted(&rows, k, config, bars)?, label));
    }
    let hint = "use --folds K to cross-fit a single split";
    let train = split_or_usage(data, "train", hint)?;
    let result = match args.split {
        SplitChoice::Val => estimate(train, split_or_usage(data, "val", hint)?, config, bars)?,
        SplitChoice::Train => estimate(train, train, config, bars)?,
        SplitChoice::All => estimate(train, &data.concat_all()?, config, bars)?,
    };
    Ok((result, split_name(args.split).to_string()))
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
    ])?;
    if let Some(path) = &args.per_sample {
        check_format(path)?;
    }
    let config = args.config().validate()?;
    let uncertainty = args.uncertainty.config()?;
    let refits = refit_configs(&config, args.repeats as usize)?;
    let data = args
        .data
        .load(None)
        .with_context(|| format!("reading {}", args.data.data.display()))?;
    let bars = Bars::new(ctx.quiet);
    let mut fits = Vec::with_capacity(refits.len());
    let mut split = String::new();
    for refit in &refits {
        let (result, label) = run_estimate(&args, refit, &data, &bars)?;
        fits.push(result);
        split = label;
    }
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
