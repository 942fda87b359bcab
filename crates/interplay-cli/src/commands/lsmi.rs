//! `interplay lsmi`: sample-level redundancy, uniqueness and synergy of a labelled
//! multimodal dataset (LSMI), for every pair of modalities.

use super::data_args::DataArgs;
use super::UsageError;
use crate::output::{table, Outputs};
use crate::progress::Bars;
use anyhow::Context as _;
use interplay::data::{Dataset, Split};
use interplay::knife::{KnifeConfig, KnifeInit};
use interplay::lsmi::{estimate, estimate_cross_fitted, LsmiConfig, LsmiResult, Prior};
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
    let data = args
        .data
        .load(None)
        .with_context(|| format!("reading {}", args.data.data.display()))?;
    let bars = Bars::new(ctx.quiet);
    let (result, split) = run_estimate(&args, &config, &data, &bars)?;
    let report = LsmiReport::new(&result, &config, args.folds, &split, args.units);
    say!(
        "LSMI on {} ({} rows, split {split}, {} prior), {}:",
        args.data.data.display(),
        report.n,
        report.settings.prior,
        args.units.name()
    );
    say!("{}", text(&report));
    if let Some(path) = &args.per_sample {
        lsmi_table(&result, args.units)?.write(outputs.staging(), path)?;
    }
    if let Some(path) = &args.json {
        outputs.json(path, &report)?;
    }
    outputs.commit()
}

/// The readable result: adjusted and raw means per pair, then each pair's shift,
/// mutual informations and entropies, in the report's units.
pub fn text(report: &LsmiReport) -> String {
    let rows: Vec<Vec<String>> = report
        .pairs
        .iter()
        .flat_map(|p| {
            let name = format!("{}-{}", p.modalities[0], p.modalities[1]);
            [("adjusted", p.adjusted), ("raw", p.raw)].map(|(kind, a)| {
                let mut row = vec![name.clone(), kind.to_string()];
                row.extend(
                    [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
                        .map(|v| format!("{v:.4}")),
                );
                row
            })
        })
        .collect();
    let mut out = table(&["pair", "means", "R", "U1", "U2", "S"], &rows);
    for p in &report.pairs {
        out.push_str(&format!(
            "\npair {}-{}: shift {:.4}; I(x1;y) {:.4}, I(x2;y) {:.4}, I(x1,x2;y) {:.4}; h(x1) {:.4}, h(x2) {:.4}",
            p.modalities[0],
            p.modalities[1],
            p.adjustment,
            p.mi.x1_y,
            p.mi.x2_y,
            p.mi.x1x2_y,
            p.entropy.x1,
            p.entropy.x2,
        ));
    }
    for w in &report.warnings {
        out.push_str(&format!("\nwarning: {w}"));
    }
    out
}
