//! `interplay shape`: cross-modal SHAPE (Hu et al. 2022) of a model, from the
//! performance of modality coalitions and from its outputs.

use std::path::PathBuf;

use interplay::intershap::{BackgroundRows, InterShapConfig};
use interplay::model::eval::background_rows;
use interplay::report::ShapeReport;
use interplay::shape::{shape, shape_intervals, shape_output, ShapeMetric};

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
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay shape`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[("--json", args.json.as_deref(), &["json"])])?;
    let metric = args.metric;
    let uncertainty = args.uncertainty.config()?;
    let (dataset, split_name, model) = args.input.load()?;
    let split = dataset.split(&split_name)?;
    let labels = split.require_labels("SHAPE")?;
    let views = split.views();
    let perf = shape(model.as_ref(), &views, labels, metric)?;

    let bg_name = if dataset.split_names().contains(&"train") {
        "train".to_string()
    } else {
        pick_split(&dataset, None)?
    };
    let bg_split = dataset.split(&bg_name)?;
    let idx = background_rows(bg_split.len(), args.background.rows(), args.seed);
    let background = bg_split.select(&idx);
    let out = shape_output(model.as_ref(), &views, &background.views())?;
    let intervals = shape_intervals(&perf, &out, labels, &uncertainty, args.seed)?;

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
    let report = ShapeReport::new(&perf, &out, args.seed).with_intervals(intervals);
    if let Some(path) = &args.json {
        outputs.json(path, &report)?;
    }
    outputs.commit()?;
    Ok(())
}
