//! `interplay shape`: cross-modal SHAPE (Hu et al. 2022) of a model, from the
//! performance of modality coalitions and from its outputs.

use std::path::PathBuf;

use interplay::intershap::{BackgroundRows, InterShapConfig};
use interplay::model::eval::background_rows;
use interplay::report::ShapeReport;
use interplay::shape::{
    shape, shape_intervals, shape_output, shape_shard, ShapeIntervals, ShapeMetric,
    ShapeOutputResult, ShapeResult, ShapeSettings,
};
use interplay::shard::Shard;

use super::model_input::ModelInput;
use super::split_choice::pick_split;
use super::uncertainty_args::UncertaintyArgs;
use crate::output::{table, Outputs};

/// Arguments of `interplay shape`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: ModelInput,
    /// Performance metric: macro-f1 or accuracy.
    #[arg(long, default_value_t = ShapeMetric::default())]
    pub metric: ShapeMetric,
    /// Background rows (drawn from the "train" split when there is one) that
    /// absent modalities are averaged over in the model-output variant: a number
    /// (seeded sample, the rows InterSHAP draws) or `all`.
    #[arg(long, value_name = "B", default_value_t = InterShapConfig::default().background)]
    pub background: BackgroundRows,
    /// Seed of the background draw and of the bootstrap.
    #[arg(long, default_value_t = InterShapConfig::default().seed)]
    pub seed: u64,
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Score only shard i of n (0-based, `0/4` … `3/4`) of the rows and write
    /// its partial result to --partial; `interplay merge` puts the shards
    /// together into the report of one run.
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

/// Run `interplay shape`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--json", args.json.as_deref(), &["json"]),
        ("--partial", args.partial.as_deref(), &["json"]),
    ])?;
    let metric = args.metric;
    let uncertainty = args.uncertainty.config()?;
    let (dataset, split_name, model) = args.input.load()?;
    let split = dataset.split(&split_name)?;
    let labels = split.require_labels("SHAPE")?;
    let bg_name = if dataset.split_names().contains(&"train") {
        "train".to_string()
    } else {
        pick_split(&dataset, None)?
    };
    let bg_split = dataset.split(&bg_name)?;
    let idx = background_rows(bg_split.len(), args.background.rows(), args.seed);
    let background = bg_split.select(&idx);
    if let (Some(shard), Some(path)) = (args.shard, &args.partial) {
        let settings = ShapeSettings {
            metric: metric.to_string(),
            seed: args.seed,
            uncertainty: *uncertainty,
            background_split: bg_name,
        };
        let part = shape_shard(model.as_ref(), split, &background, &settings, shard)?;
        say!(
            "SHAPE shard {shard} of split '{split_name}': rows {}..{} of {}",
            part.first_row,
            part.first_row + part.labels.len(),
            part.total_rows
        );
        outputs.json(path, &part)?;
        return outputs.commit();
    }
    let views = split.views();
    let perf = shape(model.as_ref(), &views, labels, metric)?;
    let out = shape_output(model.as_ref(), &views, &background.views())?;
    let intervals = shape_intervals(&perf, &out, labels, &uncertainty, args.seed)?;
    let report = print_result(&perf, &out, intervals, &bg_name, args.seed);
    if let Some(path) = &args.json {
        outputs.json(path, &report)?;
    }
    outputs.commit()
}

/// Print both variants (and their intervals) and return their report.
pub fn print_result(
    perf: &ShapeResult,
    out: &ShapeOutputResult,
    intervals: Option<ShapeIntervals>,
    bg_name: &str,
    seed: u64,
) -> ShapeReport {
    let metric = perf.metric;
    let mut rows = vec![vec!["base (majority)".into(), format!("{:.4}", perf.base)]];
    rows.push(vec!["all modalities".into(), format!("{:.4}", perf.full)]);
    for (i, p) in perf.single.iter().enumerate() {
        rows.push(vec![format!("only modality {}", i + 1), format!("{p:.4}")]);
    }
    rows.push(vec![
        "cross-modal SHAPE".into(),
        match intervals {
            Some(i) => i.performance_cross_modal.format(perf.cross_modal, 4),
            None => format!("{:.4}", perf.cross_modal),
        },
    ]);
    say!("{}", table(&["coalition", &format!("{metric:?}")], &rows));
    let (cross, share) = match intervals {
        Some(i) => (
            i.output_cross_modal.format(out.cross_modal, 4),
            i.output_cross_modal_ratio
                .format_percent(out.cross_modal_ratio, 1),
        ),
        None => (
            format!("{:.4}", out.cross_modal),
            format!("{:.1} %", 100.0 * out.cross_modal_ratio),
        ),
    };
    say!(
        "model-output variant ({} background rows from '{bg_name}'): cross-modal {cross} of total effect {:.4} (share {share})",
        out.background_size,
        out.total_effect,
    );
    if let Some(i) = intervals {
        say!(
            "{} (rows resampled, background fixed)",
            crate::output::interval_note(&i.performance_cross_modal)
        );
    }
    ShapeReport::new(perf, out, seed).with_intervals(intervals)
}
