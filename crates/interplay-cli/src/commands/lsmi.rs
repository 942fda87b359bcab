//! `interplay lsmi`: sample-level redundancy, uniqueness and synergy of a labelled
//! multimodal dataset (LSMI), for every pair of modalities.

use super::data_args::DataArgs;
use super::UsageError;
use crate::output::{table, write_json};
use crate::progress::Bars;
use anyhow::Context as _;
use interplay::data::{Dataset, Split};
use interplay::knife::{KnifeConfig, KnifeInit};
use interplay::lsmi::{
    estimate, estimate_cross_fitted, LsmiConfig, LsmiResult, PairEstimate, Prior,
};
use interplay::nn::ClassifierTraining;
use interplay::Units;
use serde_json::{json, Value};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

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

/// Label prior subtracted in the pointwise mutual informations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PriorChoice {
    /// Class frequencies of the training rows.
    Empirical,
    /// 1/C, as the original LSMI code (right only for balanced labels).
    Uniform,
}

/// How KNIFE's component means are initialised.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KnifeInitChoice {
    /// At K distinct training rows.
    Samples,
    /// N(0, init_std²).
    Random,
}

/// Arguments of `interplay lsmi`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The labelled data: train (and val) splits of two or more modalities.
    #[command(flatten)]
    pub data: DataArgs,
    /// Rows to decompose: held-out `val`, in-sample `train`, or `all` splits.
    #[arg(long, value_enum, default_value = "val")]
    pub split: SplitChoice,
    /// Label prior in the pointwise mutual informations.
    #[arg(long, value_enum, default_value = "empirical")]
    pub prior: PriorChoice,
    /// Report the raw atoms without the original's dataset-level shift.
    #[arg(long)]
    pub no_adjust: bool,
    /// Units of every reported quantity: nats or bits.
    #[arg(long, default_value = "nats")]
    pub units: Units,
    /// Seed of every random choice (initialisation, batch order, folds).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Training epochs of the classifiers.
    #[arg(long, default_value_t = 30)]
    pub epochs_discriminator: usize,
    /// Training epochs of the KNIFE entropy estimators.
    #[arg(long, default_value_t = 30)]
    pub epochs_entropy: usize,
    /// Mini-batch size of all training.
    #[arg(long, default_value_t = 32)]
    pub batch_size: usize,
    /// Hidden width of the classifiers' two hidden layers.
    #[arg(long, default_value_t = 64)]
    pub hidden: usize,
    /// KNIFE mixture components per modality.
    #[arg(long, default_value_t = 5)]
    pub components: usize,
    /// Where KNIFE's component means start: at random training rows (`samples`,
    /// better fits) or N(0, init_std²) (`random`, the original code).
    #[arg(long, value_enum, default_value = "samples")]
    pub knife_init: KnifeInitChoice,
    /// Standard deviation of KNIFE's initial log-scales and coupling (the original
    /// code uses 1.0 with random means).
    #[arg(long, default_value_t = 0.01)]
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
            prior: match self.prior {
                PriorChoice::Empirical => Prior::Empirical,
                PriorChoice::Uniform => Prior::Uniform,
            },
            adjust: !self.no_adjust,
            hidden: self.hidden,
            discriminator: ClassifierTraining {
                epochs: self.epochs_discriminator,
                batch_size: self.batch_size,
                ..ClassifierTraining::default()
            },
            knife: KnifeConfig {
                components: self.components,
                init: match self.knife_init {
                    KnifeInitChoice::Samples => KnifeInit::Samples,
                    KnifeInitChoice::Random => KnifeInit::Random,
                },
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
fn run_estimate(args: &Args, data: &Dataset, bars: &Bars) -> anyhow::Result<(LsmiResult, String)> {
    let config = args.config();
    if let Some(k) = args.folds {
        let rows = match args.split {
            SplitChoice::All => data.concat_all()?,
            SplitChoice::Val => split_or_usage(data, "val", "use --split train or all")?.clone(),
            SplitChoice::Train => split_or_usage(data, "train", "use --split all")?.clone(),
        };
        let label = format!("{} ({k}-fold cross-fitted)", split_name(args.split));
        return Ok((estimate_cross_fitted(&rows, k, &config, bars)?, label));
    }
    let hint = "use --folds K to cross-fit a single split";
    let train = split_or_usage(data, "train", hint)?;
    let result = match args.split {
        SplitChoice::Val => estimate(train, split_or_usage(data, "val", hint)?, &config, bars)?,
        SplitChoice::Train => estimate(train, train, &config, bars)?,
        SplitChoice::All => estimate(train, &data.concat_all()?, &config, bars)?,
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

fn atoms_json(a: interplay::lsmi::Atoms, u: Units) -> Value {
    json!({
        "redundancy": u.from_nats(a.redundancy),
        "uniqueness_1": u.from_nats(a.uniqueness_1),
        "uniqueness_2": u.from_nats(a.uniqueness_2),
        "synergy": u.from_nats(a.synergy),
    })
}

/// The JSON fields of one pair's decomposition.
fn pair_json(p: &PairEstimate, u: Units) -> serde_json::Map<String, Value> {
    let mut m = match atoms_json(p.adjusted, u) {
        Value::Object(m) => m,
        _ => serde_json::Map::new(),
    };
    m.insert(
        "modalities".into(),
        json!([p.modalities.0 + 1, p.modalities.1 + 1]),
    );
    m.insert("adjustment".into(), json!(u.from_nats(p.adjustment)));
    m.insert("raw".into(), atoms_json(p.raw, u));
    m.insert(
        "mi".into(),
        json!({"x1_y": u.from_nats(p.mi[0]), "x2_y": u.from_nats(p.mi[1]), "x1x2_y": u.from_nats(p.mi[2])}),
    );
    m.insert(
        "entropy".into(),
        json!({"x1": u.from_nats(p.entropy[0]), "x2": u.from_nats(p.entropy[1])}),
    );
    m
}

fn result_json(r: &LsmiResult, args: &Args, split: &str, seconds: f64) -> Value {
    let u = args.units;
    let mut top = serde_json::Map::new();
    top.insert("method".into(), json!("lsmi"));
    top.insert("units".into(), json!(u.name()));
    top.insert("split".into(), json!(split));
    top.insert("n".into(), json!(r.n));
    top.insert("n_classes".into(), json!(r.n_classes));
    top.insert(
        "prior".into(),
        json!(match args.prior {
            PriorChoice::Empirical => "empirical",
            PriorChoice::Uniform => "uniform",
        }),
    );
    if let Some(first) = r.pairs.first() {
        for (k, v) in pair_json(first, u) {
            if k != "modalities" {
                top.insert(k, v);
            }
        }
    }
    if r.pairs.len() > 1 {
        let pairs: Vec<Value> = r
            .pairs
            .iter()
            .map(|p| Value::Object(pair_json(p, u)))
            .collect();
        top.insert("pairs".into(), Value::Array(pairs));
    }
    top.insert("seed".into(), json!(args.seed));
    top.insert("seconds".into(), json!(seconds));
    Value::Object(top)
}

const PER_SAMPLE_COLUMNS: [&str; 9] = ["r", "u1", "u2", "s", "i1", "i2", "i12", "h1", "h2"];

fn per_sample_values(p: &PairEstimate, row: usize, u: Units) -> [f64; 9] {
    let a = p.atoms[row];
    [
        a.redundancy,
        a.uniqueness_1,
        a.uniqueness_2,
        a.synergy,
        p.i1[row],
        p.i2[row],
        p.i12[row],
        p.h1[row],
        p.h2[row],
    ]
    .map(|v| u.from_nats(v))
}

fn write_per_sample_csv(path: &Path, r: &LsmiResult, u: Units) -> anyhow::Result<()> {
    let file = std::fs::File::create(path).map_err(|e| interplay::Error::io(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    let multi = r.pairs.len() > 1;
    let mut header = vec!["index"];
    if multi {
        header.extend(["modality_a", "modality_b"]);
    }
    header.extend(PER_SAMPLE_COLUMNS);
    writeln!(w, "{}", header.join(","))?;
    for p in &r.pairs {
        for row in 0..r.n {
            let mut line = row.to_string();
            if multi {
                line.push_str(&format!(",{},{}", p.modalities.0 + 1, p.modalities.1 + 1));
            }
            for v in per_sample_values(p, row, u) {
                line.push_str(&format!(",{v}"));
            }
            writeln!(w, "{line}")?;
        }
    }
    w.flush().map_err(|e| interplay::Error::io(path, e))?;
    Ok(())
}

/// Run `interplay lsmi`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let start = Instant::now();
    if let Some(path) = &args.per_sample {
        // Refuse an output this build cannot write before estimating anything.
        if per_sample_format(path) == PerSampleFormat::Parquet && !cfg!(feature = "parquet") {
            return Err(interplay::Error::missing_feature("Parquet", "parquet").into());
        }
    }
    let data = args
        .data
        .load(None)
        .with_context(|| format!("reading {}", args.data.data.display()))?;
    let bars = Bars::new(ctx.quiet);
    let (result, split) = run_estimate(&args, &data, &bars)?;
    let seconds = start.elapsed().as_secs_f64();
    let u = args.units;
    let title = format!(
        "LSMI on {} ({} rows, split {split}, {} prior), {}:",
        args.data.data.display(),
        result.n,
        match args.prior {
            PriorChoice::Empirical => "empirical",
            PriorChoice::Uniform => "uniform",
        },
        u.name()
    );
    println!("{title}\n{}", report(&result, u));
    if let Some(path) = &args.per_sample {
        match per_sample_format(path) {
            PerSampleFormat::Npz => write_per_sample_npz(path, &result, u)?,
            PerSampleFormat::Parquet => write_per_sample_parquet(path, &result, u)?,
            PerSampleFormat::Csv => write_per_sample_csv(path, &result, u)?,
        }
    }
    if let Some(path) = &args.json {
        write_json(path, &result_json(&result, &args, &split, seconds))?;
    }
    Ok(())
}

/// The readable result: adjusted and raw means per pair, then each pair's shift,
/// mutual informations and entropies, all in `u`.
pub fn report(result: &LsmiResult, u: Units) -> String {
    let rows: Vec<Vec<String>> = result
        .pairs
        .iter()
        .flat_map(|p| {
            let name = format!("{}-{}", p.modalities.0 + 1, p.modalities.1 + 1);
            [("adjusted", p.adjusted), ("raw", p.raw)].map(|(kind, a)| {
                let mut row = vec![name.clone(), kind.to_string()];
                row.extend(
                    [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
                        .map(|v| format!("{:.4}", u.from_nats(v))),
                );
                row
            })
        })
        .collect();
    let mut out = table(&["pair", "means", "R", "U1", "U2", "S"], &rows);
    for p in &result.pairs {
        out.push_str(&format!(
            "\npair {}-{}: shift {:.4}; I(x1;y) {:.4}, I(x2;y) {:.4}, I(x1,x2;y) {:.4}; h(x1) {:.4}, h(x2) {:.4}",
            p.modalities.0 + 1,
            p.modalities.1 + 1,
            u.from_nats(p.adjustment),
            u.from_nats(p.mi[0]),
            u.from_nats(p.mi[1]),
            u.from_nats(p.mi[2]),
            u.from_nats(p.entropy[0]),
            u.from_nats(p.entropy[1]),
        ));
    }
    out
}

/// The per-sample file's format, from its extension (CSV unless .npz or .parquet).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PerSampleFormat {
    Csv,
    Npz,
    Parquet,
}

fn per_sample_format(path: &Path) -> PerSampleFormat {
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("npz") => PerSampleFormat::Npz,
        Some("parquet") => PerSampleFormat::Parquet,
        _ => PerSampleFormat::Csv,
    }
}

/// Without the `parquet` feature `run` refuses .parquet before estimating.
#[cfg(not(feature = "parquet"))]
fn write_per_sample_parquet(_path: &Path, _r: &LsmiResult, _u: Units) -> anyhow::Result<()> {
    Err(interplay::Error::missing_feature("Parquet", "parquet").into())
}

/// One Parquet table, one row per (pair, sample), with the same columns as the CSV.
#[cfg(feature = "parquet")]
fn write_per_sample_parquet(path: &Path, r: &LsmiResult, u: Units) -> anyhow::Result<()> {
    use interplay::data::parquet::{write_table, Column};
    let rows = r.pairs.len() * r.n;
    let index: Vec<i64> = (0..rows).map(|k| (k % r.n) as i64).collect();
    let pair_a: Vec<i64> = r
        .pairs
        .iter()
        .flat_map(|p| std::iter::repeat_n(p.modalities.0 as i64 + 1, r.n))
        .collect();
    let pair_b: Vec<i64> = r
        .pairs
        .iter()
        .flat_map(|p| std::iter::repeat_n(p.modalities.1 as i64 + 1, r.n))
        .collect();
    let values: Vec<Vec<f64>> = (0..PER_SAMPLE_COLUMNS.len())
        .map(|c| {
            r.pairs
                .iter()
                .flat_map(|p| (0..r.n).map(move |row| per_sample_values(p, row, u)[c]))
                .collect()
        })
        .collect();
    let mut columns = vec![("index", Column::Int64(&index))];
    if r.pairs.len() > 1 {
        columns.push(("modality_a", Column::Int64(&pair_a)));
        columns.push(("modality_b", Column::Int64(&pair_b)));
    }
    columns.extend(
        PER_SAMPLE_COLUMNS
            .iter()
            .zip(&values)
            .map(|(name, v)| (*name, Column::Float64(v))),
    );
    write_table(path, &columns)?;
    Ok(())
}

fn write_per_sample_npz(path: &Path, r: &LsmiResult, u: Units) -> anyhow::Result<()> {
    use interplay::data::{DType, RawTensor};
    let tensor = |dtype: DType, bytes: Vec<u8>| {
        RawTensor::new(dtype, vec![r.n], bytes).map_err(|e| anyhow::anyhow!(e))
    };
    let index = (0..r.n as i64).flat_map(i64::to_le_bytes).collect();
    let mut arrays = vec![("index".to_string(), tensor(DType::I64, index)?)];
    let multi = r.pairs.len() > 1;
    for p in &r.pairs {
        for (c, name) in PER_SAMPLE_COLUMNS.iter().enumerate() {
            let bytes = (0..r.n)
                .flat_map(|row| per_sample_values(p, row, u)[c].to_le_bytes())
                .collect();
            let key = if multi {
                format!("{}_{}_{name}", p.modalities.0 + 1, p.modalities.1 + 1)
            } else {
                name.to_string()
            };
            arrays.push((key, tensor(DType::F64, bytes)?));
        }
    }
    let file = std::fs::File::create(path).map_err(|e| interplay::Error::io(path, e))?;
    interplay::data::npz::write_to(std::io::BufWriter::new(file), path, &arrays)?;
    Ok(())
}
