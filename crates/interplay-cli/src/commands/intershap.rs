//! `interplay intershap`: the share of a model's behaviour that comes from
//! cross-modal interactions (InterSHAP).

use anyhow::Context as _;
use interplay::intershap::{
    explain, explain_shard, Approximation, BackgroundRows, InterShapConfig, Masking, OutputTarget,
    Shard, Space,
};
use interplay::model::{load, LoadOptions, OutputKind};
use interplay::params::{Checked, Validate};
use interplay::report::table::{check_format, intershap_table, TABLE_EXTENSIONS};
use interplay::report::InterShapReport;
use std::path::PathBuf;
use std::time::Instant;

use super::data_args::DataArgs;
use super::uncertainty_args::UncertaintyArgs;
use crate::output::{interval_note, table, Outputs};
use crate::progress::Bars;

/// The library's defaults, the only place they are written.
fn defaults() -> InterShapConfig {
    InterShapConfig::default()
}

/// Arguments of `interplay intershap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data (any readable format; CSV with a column spec).
    #[command(flatten)]
    pub data: DataArgs,
    /// Model to explain: a built-in fusion network (.safetensors, from `interplay
    /// train`) or an ONNX file (.onnx).
    #[arg(long)]
    pub model: PathBuf,
    /// Split whose rows are explained.
    #[arg(long, default_value = "val")]
    pub split: String,
    /// Split the background rows are drawn from (default: train if present, else
    /// the explained split).
    #[arg(long)]
    pub background_split: Option<String>,
    /// Explain a seeded random subset of this many rows (default: every row).
    #[arg(long)]
    pub samples: Option<usize>,
    /// Background rows used for masking: a number (seeded sample), `all`, or
    /// `auto` (grow a sample until the global score's interval half-width is at
    /// most --ci-target, or every row is used).
    #[arg(long, default_value_t = defaults().background)]
    pub background: BackgroundRows,
    /// Half-width, in percentage points, that the global score's interval should
    /// not exceed: the goal of `--background auto`, and the threshold of the
    /// warning that a fixed background is too small.
    #[arg(long, default_value_t = 100.0 * defaults().ci_target, value_name = "POINTS")]
    pub ci_target: f64,
    /// Interval settings.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Reproduce the original implementation: average K random background draws
    /// per sample and coalition instead of the exact mean over the background.
    #[arg(long, value_name = "K")]
    pub masking_draws: Option<usize>,
    /// Output explained: `best` (class predicted on the full input), `class:K`
    /// (0-based), or `all` (every class separately).
    #[arg(long, default_value_t = defaults().output)]
    pub output: OutputTarget,
    /// Scale of the explained output: `probability` or `logit`.
    #[arg(long, default_value_t = defaults().space)]
    pub space: Space,
    /// What an ONNX model returns: `logits` (softmax applied) or `probabilities`.
    #[arg(long, default_value_t = LoadOptions::default().onnx_output)]
    pub model_output: OutputKind,
    /// Use permutation sampling with this many permutations instead of exact
    /// enumeration (automatic with 200 permutations above 12 modalities).
    #[arg(long, value_name = "T")]
    pub permutations: Option<usize>,
    /// Seed of every random choice (samples, background, draws, permutations).
    #[arg(long, default_value_t = defaults().seed)]
    pub seed: u64,
    /// Model rows per forward call.
    #[arg(long, default_value_t = defaults().batch_size)]
    pub batch_size: usize,
    /// Write the report as JSON to this file (schema: docs/schema/intershap.schema.json).
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write one row per sample (local score, v(∅), v(M), φ and Φ) to this file:
    /// CSV, NumPy .npz or Apache .parquet by extension.
    #[arg(long, value_name = "OUT")]
    pub per_sample: Option<PathBuf>,
    /// Explain only shard i of n (0-based, `0/4` … `3/4`) of the explained rows
    /// and write its partial result to --partial; `interplay merge` puts the
    /// shards together into the report of one run.
    #[arg(long, value_name = "I/N", requires = "partial", conflicts_with_all = ["json", "per_sample"])]
    pub shard: Option<Shard>,
    /// Where --shard writes its partial result (JSON).
    #[arg(long, value_name = "OUT", requires = "shard")]
    pub partial: Option<PathBuf>,
}

fn config(args: &Args) -> anyhow::Result<(Checked<InterShapConfig>, LoadOptions)> {
    let onnx_output = args.model_output;
    let config = InterShapConfig {
        samples: args.samples,
        background: args.background,
        masking: args
            .masking_draws
            .map_or(defaults().masking, Masking::Draws),
        output: args.output,
        space: args.space,
        approximation: args
            .permutations
            .map_or(defaults().approximation, Approximation::Permutations),
        seed: args.seed,
        batch_size: args.batch_size,
        uncertainty: *args.uncertainty.config()?,
        ci_target: args.ci_target / 100.0,
    }
    .validate()?;
    Ok((config, LoadOptions { onnx_output }))
}

/// Run `interplay intershap`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--json", args.json.as_deref(), &["json"]),
        (
            "--per-sample",
            args.per_sample.as_deref(),
            &TABLE_EXTENSIONS,
        ),
        ("--partial", args.partial.as_deref(), &["json"]),
    ])?;
    if let Some(path) = &args.per_sample {
        check_format(path)?;
    }
    let (config, load_options) = config(&args)?;
    let data = args.data.load(None)?;
    let inputs = data.split(&args.split)?;
    let bg_name = args.background_split.clone().unwrap_or_else(|| {
        if data.splits.contains_key("train") {
            "train".into()
        } else {
            args.split.clone()
        }
    });
    let background = data.split(&bg_name)?;
    let model = load(&args.model, &inputs.dims(), &load_options)
        .with_context(|| format!("loading {}", args.model.display()))?;
    let start = Instant::now();
    if let (Some(shard), Some(path)) = (args.shard, &args.partial) {
        let part = explain_shard(
            model.as_ref(),
            inputs,
            background,
            &config,
            shard,
            &Bars::new(ctx.quiet),
        )?;
        say!(
            "InterSHAP shard {shard} on split '{}': rows {}..{} of {}, {} model rows, {:.2} s",
            args.split,
            part.first_row,
            part.first_row + part.sample_indices.len(),
            part.total_rows,
            part.model_rows,
            start.elapsed().as_secs_f64()
        );
        outputs.json(path, &part)?;
        return outputs.commit();
    }
    let result = explain(
        model.as_ref(),
        inputs,
        background,
        &config,
        &Bars::new(ctx.quiet),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let report = InterShapReport::new(&result, &config, None);
    print_result(
        &report,
        &format!("split '{}'", args.split),
        &format!(" of '{bg_name}'"),
        seconds,
    );
    if let Some(path) = &args.json {
        outputs.json(path, &report)?;
    }
    if let Some(path) = &args.per_sample {
        intershap_table(&result)?.write(outputs.staging(), path)?;
    }
    outputs.commit()
}

/// Print a report: `source` says what was explained ("split 'val'"), `bg` where
/// the background came from (" of 'train'", or empty when unknown).
pub(crate) fn print_result(report: &InterShapReport, source: &str, bg: &str, seconds: f64) {
    let st = &report.settings;
    say!(
        "InterSHAP on {source}: {} samples, {} modalities, background {} rows{bg} ({}, {} rows per value), {} space, {} Shapley, {:.2} s",
        report.n_samples,
        report.n_modalities,
        st.background_rows,
        st.masking,
        st.rows_per_value,
        st.space,
        st.shapley,
        seconds
    );
    if let Some(auto) = &st.auto_background {
        let rounds: Vec<String> = auto
            .rounds
            .iter()
            .map(|r| format!("{} rows ±{:.2}", r.background_rows, 100.0 * r.half_width))
            .collect();
        say!(
            "background auto (target ±{:.2} points): {}",
            100.0 * auto.target,
            rounds.join(" → ")
        );
    }
    if let Some(i) = report.global_interval {
        say!("{}, {} replicates", interval_note(&i), st.bootstrap);
    }
    if let (Some(acc), Some(maj)) = (report.accuracy, report.majority_accuracy) {
        say!("model accuracy on these rows {acc:.3} (majority class {maj:.3})");
    }
    let m = report.n_modalities;
    for e in &report.outputs {
        say!("");
        let global = e.global_interval.map_or_else(
            || format!("{:.2} %", e.global_percent),
            |i| i.format_percent(e.global, 2),
        );
        say!(
            "output {}: global InterSHAP {global}  (local mean {:.2} % ± {:.2})  base value {:.4}",
            e.output,
            100.0 * e.local_mean,
            100.0 * e.local_std,
            e.base_value
        );
        let rows: Vec<Vec<String>> = (0..m)
            .map(|i| {
                let mut row = vec![
                    report.modality_names[i].clone(),
                    format!("{:+.5}", e.mean_shapley[i]),
                ];
                row.extend((0..m).map(|j| format!("{:+.5}", e.mean_matrix[i][j])));
                row
            })
            .collect();
        let mut header = vec!["".to_string(), "mean φ".to_string()];
        header.extend((1..=m).map(|j| format!("Φ·{j}")));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        say!("{}", table(&header, &rows));
        let pairs: Vec<Vec<String>> = e
            .pairs
            .iter()
            .map(|p| {
                vec![
                    format!("{}-{}", p.modalities[0], p.modalities[1]),
                    format!("{:+.5}", p.interaction),
                    p.share_interval.map_or_else(
                        || format!("{:.2} %", p.percent),
                        |i| i.format_percent(p.share, 2),
                    ),
                ]
            })
            .collect();
        say!("{}", table(&["pair", "interaction", "share"], &pairs));
    }
    crate::output::warn_all(&report.warnings);
}
