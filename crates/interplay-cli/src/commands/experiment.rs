//! `interplay experiment`: the InterSHAP paper's experiments, printed next to
//! the paper's figures (the library's `experiments` module does the work).

use interplay::experiments::fusion_order::{fusion_means, fusion_order_experiment, order_holds};
use interplay::experiments::{run_hdxor, HdXorExperiment};
use interplay::model::fusion::Fusion;
use interplay::params::Validate;
use interplay::report::{ExperimentReport, ExperimentRow};
use interplay::synth::hdxor::HdXorSetting;
use std::path::PathBuf;

use crate::output::{table, warn_all, Outputs};
use crate::progress::Bars;

/// Arguments of `interplay experiment`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    experiment: Experiment,
}

/// The experiments.
#[derive(Debug, clap::Subcommand)]
enum Experiment {
    /// HD-XOR with M modalities: fusion nets trained with the paper's settings
    /// and the exact XOR function, global InterSHAP on the test split (mean ± sd
    /// over seeds) beside the paper's figures.
    #[command(name = "intershap-hdxor")]
    IntershapHdxor(HdXorArgs),
    /// Early, intermediate and late fusion on a synthetic analogue of the paper's
    /// single-cell comparison (HD-XOR redundancy: each modality alone suffices),
    /// checking the order early ≥ intermediate ≥ late.
    #[command(name = "fusion-order")]
    FusionOrder(FusionOrderArgs),
}

/// The paper's scale, the only place it is written.
fn defaults() -> HdXorExperiment {
    HdXorExperiment::default()
}

/// Scale and output settings both experiments share.
#[derive(Debug, clap::Args)]
struct Scale {
    /// Seeds per row (0, 1, …): data, training and InterSHAP all use the seed.
    #[arg(long, default_value_t = defaults().seeds)]
    seeds: u64,
    /// Samples per dataset (split 70 / 15 / 15).
    #[arg(long, default_value_t = defaults().n_samples)]
    samples: usize,
    /// Training epochs of the fusion nets.
    #[arg(long, default_value_t = defaults().training.epochs)]
    epochs: usize,
    /// InterSHAP background rows (from the training split).
    #[arg(long, default_value_t = defaults().background)]
    background: usize,
    /// Explain this many test rows (default: the whole test split).
    #[arg(long)]
    explained: Option<usize>,
    /// Also compute PID of the model and EMAP (two modalities) and SHAPE.
    #[arg(long)]
    with_baselines: bool,
    /// Write the table as JSON to this file (schema: docs/schema/experiment.schema.json).
    #[arg(long, value_name = "OUT")]
    json: Option<PathBuf>,
}

/// Arguments of `interplay experiment intershap-hdxor`.
#[derive(Debug, clap::Args)]
struct HdXorArgs {
    /// Numbers of modalities, comma-separated.
    #[arg(long, value_delimiter = ',', default_values_t = defaults().modalities)]
    modalities: Vec<usize>,
    /// HD-XOR settings, comma-separated (`uniqueness` is modality 1).
    #[arg(long, value_delimiter = ',', default_values_t = defaults().settings)]
    settings: Vec<HdXorSetting>,
    /// Fusion nets to train, comma-separated (`none`: only the XOR function).
    #[arg(long, value_delimiter = ',', default_value = "early")]
    fusion: Vec<String>,
    /// Leave out the exact XOR function.
    #[arg(long)]
    no_xor_function: bool,
    #[command(flatten)]
    scale: Scale,
}

/// Arguments of `interplay experiment fusion-order`.
#[derive(Debug, clap::Args)]
struct FusionOrderArgs {
    #[command(flatten)]
    scale: Scale,
}

/// Run `interplay experiment`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    match args.experiment {
        Experiment::IntershapHdxor(a) => {
            let fusions = a
                .fusion
                .iter()
                .filter(|f| f.as_str() != "none")
                .map(|f| f.parse::<Fusion>())
                .collect::<interplay::Result<Vec<_>>>()?;
            let experiment = scaled(
                HdXorExperiment {
                    modalities: a.modalities,
                    settings: a.settings,
                    fusions,
                    xor_function: !a.no_xor_function,
                    ..defaults()
                },
                &a.scale,
            );
            let report = run_table(experiment, &a.scale, ctx)?;
            finish(&report, a.scale.json.as_ref())
        }
        Experiment::FusionOrder(a) => {
            let experiment = scaled(
                fusion_order_experiment(a.scale.seeds, a.scale.samples, a.scale.epochs),
                &a.scale,
            );
            let mut report = run_table(experiment, &a.scale, ctx)?;
            report.experiment = "fusion-order".into();
            if let Some(m) = fusion_means(&report) {
                let holds = order_holds(m);
                say!(
                    "order early ≥ intermediate ≥ late: {} ({:.2} / {:.2} / {:.2} %)",
                    if holds { "holds" } else { "does NOT hold" },
                    m[0],
                    m[1],
                    m[2]
                );
                if !holds {
                    report.warnings.push(format!(
                        "the fusion order early ≥ intermediate ≥ late does not hold: {:.2} / {:.2} / {:.2} %",
                        m[0], m[1], m[2]
                    ));
                }
            }
            finish(&report, a.scale.json.as_ref())
        }
    }
}

/// The experiment with the command line's scale settings.
fn scaled(experiment: HdXorExperiment, s: &Scale) -> HdXorExperiment {
    HdXorExperiment {
        seeds: s.seeds,
        n_samples: s.samples,
        training: interplay::model::fusion::FusionTraining {
            epochs: s.epochs,
            ..experiment.training
        },
        background: s.background,
        explained: s.explained,
        with_baselines: s.with_baselines,
        ..experiment
    }
}

/// Check the settings, plan the output, run, printing each row as it finishes.
fn run_table(
    experiment: HdXorExperiment,
    scale: &Scale,
    ctx: crate::Context,
) -> anyhow::Result<ExperimentReport> {
    Outputs::plan(&[("--json", scale.json.as_deref(), &["json"])])?;
    let experiment = experiment.validate()?;
    say!(
        "HD-XOR: {} samples, {} epochs, {} seeds, background {} rows; global InterSHAP on the test split (%)",
        experiment.n_samples,
        experiment.training.epochs,
        experiment.seeds,
        experiment.background
    );
    let bars = Bars::new(ctx.quiet);
    let mut print = |r: &ExperimentRow| {
        let paper = r.paper.map_or_else(String::new, |p| {
            format!(" (paper {:.1} ± {:.1})", p.mean, p.sd)
        });
        say!(
            "{} M={} {}: {:.1} ± {:.1} %{paper}, {:.0} s",
            r.setting,
            r.modalities,
            r.model,
            r.mean,
            r.sd,
            r.seconds
        );
    };
    Ok(run_hdxor(&experiment, &bars, &mut print)?)
}

const HEADER: [&str; 9] = [
    "setting",
    "M",
    "model",
    "InterSHAP %",
    "paper %",
    "agrees",
    "val acc",
    "baselines",
    "seconds",
];

/// One table row.
fn cells(r: &ExperimentRow) -> Vec<String> {
    let baselines = r.baselines.map_or_else(String::new, |b| {
        let mut parts = Vec::new();
        if let Some(p) = b.pid_synergy_percent {
            parts.push(format!("PID syn {p:.1} %"));
        }
        if let Some(e) = b.emap_accuracy_gap {
            parts.push(format!("EMAP gap {e:.3}"));
        }
        parts.push(format!("SHAPE {:.1} %", b.shape_cross_modal_percent));
        parts.join(", ")
    });
    vec![
        r.setting.clone(),
        r.modalities.to_string(),
        r.model.clone(),
        format!("{:.1} ± {:.1}", r.mean, r.sd),
        r.paper
            .map_or_else(|| "–".into(), |p| format!("{:.1} ± {:.1}", p.mean, p.sd)),
        r.paper.map_or_else(String::new, |p| {
            if p.agrees {
                "yes".into()
            } else {
                "no".into()
            }
        }),
        r.val_accuracy
            .map_or_else(|| "–".into(), |a| format!("{a:.3}")),
        baselines,
        format!("{:.0}", r.seconds),
    ]
}

/// Print the whole table and the warnings, and write the JSON.
fn finish(report: &ExperimentReport, json: Option<&PathBuf>) -> anyhow::Result<()> {
    say!("");
    let rows: Vec<Vec<String>> = report.rows.iter().map(cells).collect();
    say!("{}", table(&HEADER, &rows));
    warn_all(&report.warnings);
    let mut outputs = Outputs::plan(&[("--json", json.map(PathBuf::as_path), &["json"])])?;
    if let Some(path) = json {
        outputs.json(path, report)?;
    }
    outputs.commit()
}
