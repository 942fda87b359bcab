//! `interplay intershap`: the share of a model's behaviour that comes from
//! cross-modal interactions (InterSHAP).

use anyhow::Context as _;
use interplay::data::{read, ReadOptions};
use interplay::intershap::{
    explain, Approximation, BackgroundRows, Explanation, InterShapConfig, InterShapResult, Masking,
    OutputTarget, Space,
};
use interplay::model::{load, LoadOptions, OutputKind};
use serde_json::{json, Value};
use std::path::PathBuf;
use std::time::Instant;

use super::UsageError;
use crate::output::{table, Outputs};
use crate::progress::Bars;

/// Arguments of `interplay intershap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Data file (.pt, .npz, .safetensors, .csv, or a directory of .npy files).
    #[arg(long)]
    pub data: PathBuf,
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
    /// Background rows used for masking: a number (seeded sample) or `all`.
    #[arg(long, default_value = "100")]
    pub background: String,
    /// Reproduce the original implementation: average K random background draws
    /// per sample and coalition instead of the exact mean over the background.
    #[arg(long, value_name = "K")]
    pub masking_draws: Option<usize>,
    /// Output explained: `best` (class predicted on the full input), `class:K`
    /// (0-based), or `all` (every class separately).
    #[arg(long, default_value = "best")]
    pub output: String,
    /// Scale of the explained output: `probability` or `logit`.
    #[arg(long, default_value = "probability")]
    pub space: String,
    /// What an ONNX model returns: `logits` (softmax applied) or `probabilities`.
    #[arg(long, default_value = "logits")]
    pub model_output: String,
    /// Use permutation sampling with this many permutations instead of exact
    /// enumeration (automatic with 200 permutations above 12 modalities).
    #[arg(long, value_name = "T")]
    pub permutations: Option<usize>,
    /// Seed of every random choice (samples, background, draws, permutations).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Model rows per forward call.
    #[arg(long, default_value_t = 8192)]
    pub batch_size: usize,
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
    /// Write the per-sample local score, φ and Φ to this file (.csv or .npz).
    #[arg(long, value_name = "OUT")]
    pub per_sample: Option<PathBuf>,
}

fn config(args: &Args) -> anyhow::Result<(InterShapConfig, LoadOptions)> {
    let background = if args.background == "all" {
        BackgroundRows::All
    } else {
        BackgroundRows::Sample(args.background.parse().map_err(|_| {
            UsageError(format!(
                "--background must be a number or `all`, got '{}'",
                args.background
            ))
        })?)
    };
    let onnx_output = match args.model_output.as_str() {
        "logits" => OutputKind::Logits,
        "probabilities" => OutputKind::Probabilities,
        other => {
            return Err(UsageError(format!(
                "--model-output must be logits or probabilities, got '{other}'"
            ))
            .into())
        }
    };
    let config = InterShapConfig {
        samples: args.samples,
        background,
        masking: args.masking_draws.map_or(Masking::Mean, Masking::Draws),
        output: OutputTarget::parse(&args.output)?,
        space: Space::parse(&args.space)?,
        approximation: args.permutations.map_or(
            Approximation::Auto { permutations: 200 },
            Approximation::Permutations,
        ),
        seed: args.seed,
        batch_size: args.batch_size,
    };
    config.validate()?;
    Ok((config, LoadOptions { onnx_output }))
}

/// Run `interplay intershap`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--json", args.json.as_deref(), &["json"]),
        (
            "--per-sample",
            args.per_sample.as_deref(),
            &super::intershap_per_sample::FORMATS,
        ),
    ])?;
    let (config, load_options) = config(&args)?;
    let data = read(&args.data, &ReadOptions::default())?;
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
    let result = explain(
        model.as_ref(),
        inputs,
        background,
        &config,
        &Bars::new(ctx.quiet),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    print_result(&result, &args.split, &bg_name, seconds);
    if let Some(path) = &args.json {
        outputs.json(path, &to_json(&result, &bg_name, seconds))?;
    }
    if let Some(path) = &args.per_sample {
        super::intershap_per_sample::write(outputs.staging(), path, &result)?;
    }
    outputs.commit()
}

fn print_result(result: &InterShapResult, split: &str, bg: &str, seconds: f64) {
    let m = &result.masking;
    say!(
        "InterSHAP on split '{split}': {} samples, {} modalities, background {} rows of '{bg}' ({}, {} rows per value), {} space, {} Shapley, {:.2} s",
        result.n_samples(),
        result.n_modalities,
        m.background_rows,
        m.method,
        m.rows_per_value,
        m.space,
        m.shapley,
        seconds
    );
    for e in &result.explanations {
        say!("");
        say!(
            "output {}: global InterSHAP {:.2} %  (local mean {:.2} % ± {:.2})  base value {:.4}",
            e.output,
            e.global_percent(),
            100.0 * e.local_mean,
            100.0 * e.local_std,
            e.base_value
        );
        let rows: Vec<Vec<String>> = (0..result.n_modalities)
            .map(|i| {
                let mut row = vec![
                    format!("modality {}", i + 1),
                    format!("{:+.5}", e.mean_shapley[i]),
                ];
                row.extend(
                    (0..result.n_modalities).map(|j| format!("{:+.5}", e.mean_matrix[[i, j]])),
                );
                row
            })
            .collect();
        let mut header = vec!["".to_string(), "mean φ".to_string()];
        header.extend((1..=result.n_modalities).map(|j| format!("Φ·{j}")));
        let header: Vec<&str> = header.iter().map(String::as_str).collect();
        say!("{}", table(&header, &rows));
        let pairs: Vec<Vec<String>> = e
            .pairs
            .iter()
            .map(|p| {
                vec![
                    format!("{}-{}", p.i, p.j),
                    format!("{:+.5}", p.interaction),
                    format!("{:.2} %", 100.0 * p.share),
                ]
            })
            .collect();
        say!("{}", table(&["pair", "interaction", "share"], &pairs));
    }
}

fn matrix_json(m: &ndarray::Array2<f64>) -> Value {
    json!(m.rows().into_iter().map(|r| r.to_vec()).collect::<Vec<_>>())
}

fn explanation_json(e: &Explanation) -> serde_json::Map<String, Value> {
    let pairs: serde_json::Map<String, Value> = e
        .pairs
        .iter()
        .map(|p| {
            (
                format!("{}-{}", p.i, p.j),
                json!({"interaction": p.interaction, "share": p.share, "percent": 100.0 * p.share}),
            )
        })
        .collect();
    let mut out = serde_json::Map::new();
    out.insert("output".into(), json!(e.output));
    out.insert("global".into(), json!(e.global));
    out.insert("global_percent".into(), json!(e.global_percent()));
    out.insert("local_mean".into(), json!(e.local_mean));
    out.insert("local_std".into(), json!(e.local_std));
    out.insert("interaction_matrix".into(), matrix_json(&e.mean_matrix));
    out.insert("shapley_values".into(), json!(e.mean_shapley));
    out.insert("base_value".into(), json!(e.base_value));
    out.insert("pairs".into(), Value::Object(pairs));
    out
}

/// The JSON document of a result (the first explained output at the top level,
/// every output under `outputs` when several were explained).
pub fn to_json(result: &InterShapResult, bg_split: &str, seconds: f64) -> Value {
    let m = &result.masking;
    let mut doc = serde_json::Map::new();
    doc.insert("method".into(), json!("intershap"));
    doc.insert("modalities".into(), json!(result.n_modalities));
    doc.insert("n".into(), json!(result.n_samples()));
    if let Some(first) = result.explanations.first() {
        doc.extend(explanation_json(first));
    }
    if result.explanations.len() > 1 {
        doc.insert(
            "outputs".into(),
            Value::Array(
                result
                    .explanations
                    .iter()
                    .map(|e| Value::Object(explanation_json(e)))
                    .collect(),
            ),
        );
    }
    doc.insert(
        "masking".into(),
        json!({
            "method": m.method,
            "background_split": bg_split,
            "background_rows": m.background_rows,
            "rows_per_value": m.rows_per_value,
            "space": m.space,
            "shapley": m.shapley,
            "permutations": m.permutations,
            "seed": m.seed,
            "model_rows": m.model_rows,
        }),
    );
    doc.insert("seconds".into(), json!(seconds));
    Value::Object(doc)
}
