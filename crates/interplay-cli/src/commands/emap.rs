//! `interplay emap`: the additive projection of a two-modality model (Hessel &
//! Lee 2020) and what its accuracy and macro-F1 lose against the model.

use std::path::PathBuf;

use interplay::emap::{emap_shard, emap_with_intervals, EmapOptions, EmapResult};
use interplay::params::Validate;
use interplay::report::EmapReport;
use interplay::shard::Shard;
use interplay::uncertainty::Interval;

use super::model_input::ModelInput;
use super::split_choice::two_modalities;
use super::uncertainty_args::UncertaintyArgs;
use crate::output::{table, Outputs};
use crate::progress::Bars;

/// Arguments of `interplay emap`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: ModelInput,
    /// Evaluate on a random subset of this many samples (the cost is n² model rows).
    #[arg(long, value_name = "N")]
    pub subsample: Option<usize>,
    /// Seed of the subsample and of the bootstrap.
    #[arg(long, default_value_t = EmapOptions::default().seed)]
    pub seed: u64,
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Evaluate only shard i of n (0-based, `0/4` … `3/4`) of the rows — its
    /// strip of the n × n scores — and write its partial result to --partial;
    /// `interplay merge` puts the shards together into the report of one run.
    #[arg(
        long,
        value_name = "I/N",
        requires = "partial",
        conflicts_with = "json"
    )]
    pub shard: Option<Shard>,
    /// Where --shard writes its partial result (JSON).
    #[arg(long, value_name = "OUT", requires = "shard")]
    pub partial: Option<PathBuf>,
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay emap`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--json", args.json.as_deref(), &["json"]),
        ("--partial", args.partial.as_deref(), &["json"]),
    ])?;
    let options = EmapOptions {
        subsample: args.subsample,
        seed: args.seed,
        ..EmapOptions::default()
    }
    .validate()?;
    let uncertainty = args.uncertainty.config()?;
    let (dataset, split_name, model) = args.input.load()?;
    let split = dataset.split(&split_name)?;
    let [x1, x2] = two_modalities(split, "EMAP")?;
    let labels = split.require_labels("EMAP")?;
    let bars = Bars::new(ctx.quiet);
    if let (Some(shard), Some(path)) = (args.shard, &args.partial) {
        let part = emap_shard(
            model.as_ref(),
            x1,
            x2,
            labels,
            &options,
            &uncertainty,
            shard,
            &bars,
        )?;
        say!(
            "EMAP shard {shard} of split '{split_name}': rows {}..{} of {} against all {}",
            part.first_row,
            part.first_row + part.labels.len(),
            part.total_rows,
            part.total_rows
        );
        outputs.json(path, &part)?;
        return outputs.commit();
    }
    let r = emap_with_intervals(
        model.as_ref(),
        x1,
        x2,
        labels,
        &options,
        &uncertainty,
        &bars,
    )?;
    print_result(&r, &format!("split '{split_name}'"));
    if let Some(out) = &args.json {
        outputs.json(out, &EmapReport::new(&r, args.seed, args.subsample))?;
    }
    outputs.commit()
}

/// Print the scores of f and f̂ (and their intervals).
pub fn print_result(r: &EmapResult, what: &str) {
    let iv = r.intervals;
    let cell = |v: f64, i: Option<Interval>| match i {
        Some(i) => i.format(v, 4),
        None => format!("{v:.4}"),
    };
    let rows = vec![
        vec![
            "model f".into(),
            cell(r.accuracy, iv.map(|i| i.accuracy)),
            cell(r.macro_f1, iv.map(|i| i.macro_f1)),
        ],
        vec![
            "projection f̂".into(),
            cell(r.accuracy_emap, iv.map(|i| i.accuracy_emap)),
            cell(r.macro_f1_emap, iv.map(|i| i.macro_f1_emap)),
        ],
        vec![
            "gap".into(),
            cell(r.accuracy_gap, iv.map(|i| i.accuracy_gap)),
            cell(r.macro_f1_gap, iv.map(|i| i.macro_f1_gap)),
        ],
    ];
    say!("{}", table(&["", "accuracy", "macro-F1"], &rows));
    say!(
        "{} samples of {what}, {} projected",
        r.n_samples,
        r.projected_scores
    );
    if let Some(i) = iv {
        say!("{}", crate::output::interval_note(&i.accuracy_gap));
    }
}
