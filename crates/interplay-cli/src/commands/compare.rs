//! `interplay compare`: InterSHAP, PID, EMAP and SHAPE of one model on one
//! dataset split, side by side, so the interaction scores can be read together.

use std::path::PathBuf;

use interplay::emap::{emap_with_intervals, EmapOptions};
use interplay::intershap::{explain, BackgroundRows, InterShapConfig};
use interplay::model::eval::background_rows;
use interplay::params::Validate;
use interplay::pid::continuous::{pid_of_data, pid_of_model, DiscretiseOptions};
use interplay::pid::{BrojaOptions, NullOptions};
use interplay::report::{
    CompareInterShap, CompareReport, EmapReport, InterShapReport, PidReport, PidSource, Provenance,
    ShapeReport,
};
use interplay::shape::{shape, shape_intervals, shape_output, ShapeMetric};
use interplay::Units;

use super::model_input::ModelInput;
use super::split_choice::two_modalities;
use super::uncertainty_args::UncertaintyArgs;
use crate::output::{interval_note, table, warn_all, Outputs};
use crate::progress::Bars;

/// Arguments of `interplay compare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    pub input: ModelInput,
    /// Background rows (from the "train" split when there is one) for the
    /// masking of InterSHAP and model-output SHAPE: a number (seeded sample) or `all`.
    #[arg(long, value_name = "B", default_value_t = InterShapConfig::default().background)]
    pub background: BackgroundRows,
    /// EMAP on a random subset of this many samples (its cost is n² model rows).
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub emap_samples: usize,
    /// k-means clusters per modality for PID (default 30, or 20 with --synthetic-defaults).
    #[arg(long, value_name = "K")]
    pub clusters: Option<usize>,
    /// Principal components per modality for PID (default 5, or 2 with --synthetic-defaults).
    #[arg(long, value_name = "D")]
    pub pca: Option<usize>,
    /// PID discretisation defaults for synthetic data (PCA 2, 20 clusters).
    #[arg(long)]
    pub synthetic_defaults: bool,
    /// Seed of every random choice.
    #[arg(long, default_value_t = InterShapConfig::default().seed)]
    pub seed: u64,
    /// Label permutations of the PID shuffle null (0 turns it off).
    #[arg(long, value_name = "K", default_value_t = NullOptions::default().shuffles)]
    pub shuffles: usize,
    /// Interval settings of the InterSHAP, EMAP and SHAPE scores.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Unit of the PID quantities: bits or nats (the command line reports bits).
    #[arg(long, default_value_t = Units::Bits)]
    pub units: Units,
    /// Also write every result as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay compare`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[("--json", args.json.as_deref(), &["json"])])?;
    let units = args.units;
    let uncertainty = args.uncertainty.config()?;
    let config = InterShapConfig {
        background: args.background,
        seed: args.seed,
        uncertainty: *uncertainty,
        ..InterShapConfig::default()
    }
    .validate()?;
    let mut discretise = if args.synthetic_defaults {
        DiscretiseOptions::synthetic()
    } else {
        DiscretiseOptions::real_data()
    };
    discretise.clusters = args.clusters.unwrap_or(discretise.clusters);
    discretise.pca_components = args.pca.unwrap_or(discretise.pca_components);
    discretise.seed = args.seed;
    let discretise = discretise.validate()?;
    let emap_options = EmapOptions {
        subsample: Some(args.emap_samples),
        seed: args.seed,
        ..EmapOptions::default()
    }
    .validate()?;
    let null_options = NullOptions {
        shuffles: args.shuffles,
        seed: args.seed,
        ..NullOptions::default()
    }
    .validate()?;
    let (dataset, split_name, model) = args.input.load()?;
    let split = dataset.split(&split_name)?;
    let [x1, x2] = two_modalities(split, "compare")?;
    let labels = split.require_labels("compare")?;
    let bg_name = if dataset.split_names().contains(&"train") {
        "train".to_string()
    } else {
        split_name.clone()
    };
    let bg_split = dataset.split(&bg_name)?;
    // The one background sampler: InterSHAP draws these same rows from the same
    // seed, so `compare` and `intershap` agree exactly.
    let background = bg_split.select(&background_rows(
        bg_split.len(),
        args.background.rows(),
        args.seed,
    ));
    let bars = Bars::new(ctx.quiet);

    let inter = explain(model.as_ref(), split, bg_split, &config, &bars)?;
    let inter_report = InterShapReport::new(&inter, &config, None);

    let broja_options = BrojaOptions {
        units,
        ..BrojaOptions::default()
    }
    .validate()?;
    let pid_model = pid_of_model(x1, x2, model.as_ref(), &discretise, &broja_options)?;
    let pid_labels = pid_of_data(x1, x2, labels, &discretise, &broja_options)?;
    let null_model = pid_model.shuffle_null(&broja_options, &null_options)?;
    let null_labels = pid_labels.shuffle_null(&broja_options, &null_options)?;
    let rows = x1.nrows();
    let pid_model_report = PidReport::new(
        &pid_model.pid,
        PidSource::discretised("model", rows, &discretise, &pid_model),
        args.seed,
    )
    .with_null(null_model);
    let pid_labels_report = PidReport::new(
        &pid_labels.pid,
        PidSource::discretised("data", rows, &discretise, &pid_labels),
        args.seed,
    )
    .with_null(null_labels);

    let em = emap_with_intervals(
        model.as_ref(),
        x1,
        x2,
        labels,
        &emap_options,
        &uncertainty,
        &bars,
    )?;
    let views = split.views();
    let sh = shape(model.as_ref(), &views, labels, ShapeMetric::default())?;
    let sh_out = shape_output(model.as_ref(), &views, &background.views())?;
    let sh_iv = shape_intervals(&sh, &sh_out, labels, &uncertainty, args.seed)?;

    let u = units.name();
    let pct = |v: f64| format!("{:.1}%", 100.0 * v);
    let share = |p: &interplay::pid::PidResult| {
        if p.mi_x1x2_y > 0.0 {
            pct(p.synergy / p.mi_x1x2_y)
        } else {
            "-".into()
        }
    };
    // Synergy's p-value and bias-corrected value against shuffled labels.
    let null_note = |r: &PidReport| {
        r.null.as_ref().map_or(String::new(), |n| {
            format!(
                "; p = {:.3}, corrected {:.4} {u}",
                n.synergy.p_value, n.synergy.corrected
            )
        })
    };
    let with_interval = |v: f64, i: Option<interplay::uncertainty::Interval>| match i {
        Some(i) => i.format(v, 4),
        None => format!("{v:.4}"),
    };
    let rows = vec![
        vec![
            "InterSHAP (global)".into(),
            match inter_report.global_interval {
                Some(i) => i.format_percent(inter_report.global, 1),
                None => pct(inter_report.global),
            },
            "share of behaviour from interactions".into(),
        ],
        vec![
            "PID synergy, model".into(),
            format!("{:.4} {u}", pid_model.pid.synergy),
            format!(
                "{} of I(X1,X2;Ŷ){}",
                share(&pid_model.pid),
                null_note(&pid_model_report)
            ),
        ],
        vec![
            "PID synergy, labels".into(),
            format!("{:.4} {u}", pid_labels.pid.synergy),
            format!(
                "{} of I(X1,X2;Y){}",
                share(&pid_labels.pid),
                null_note(&pid_labels_report)
            ),
        ],
        vec![
            "EMAP gap (macro-F1)".into(),
            with_interval(em.macro_f1_gap, em.intervals.map(|i| i.macro_f1_gap)),
            format!("f {:.4} vs additive {:.4}", em.macro_f1, em.macro_f1_emap),
        ],
        vec![
            "SHAPE cross-modal (macro-F1)".into(),
            with_interval(sh.cross_modal, sh_iv.map(|i| i.performance_cross_modal)),
            format!("full {:.4}, base {:.4}", sh.full, sh.base),
        ],
        vec![
            "SHAPE cross-modal (output)".into(),
            match sh_iv {
                Some(i) => i
                    .output_cross_modal_ratio
                    .format_percent(sh_out.cross_modal_ratio, 1),
                None => pct(sh_out.cross_modal_ratio),
            },
            "of v(M) − v(∅)".into(),
        ],
    ];
    say!("{}", table(&["score", "value", "meaning"], &rows));
    say!(
        "split '{split_name}', {} samples; background {} rows of '{bg_name}'",
        split.len(),
        background.len()
    );
    if let Some(i) = em.intervals {
        say!("{}", interval_note(&i.macro_f1_gap));
    }
    let mut warnings: Vec<String> = inter_report
        .warnings
        .iter()
        .map(|w| format!("InterSHAP: {w}"))
        .collect();
    for (whose, r) in [("model", &pid_model_report), ("labels", &pid_labels_report)] {
        warnings.extend(
            r.warnings
                .iter()
                .map(|w| format!("PID of the {whose}: {w}")),
        );
    }
    warn_all(&warnings);
    if let Some(out) = &args.json {
        let report = CompareReport {
            provenance: Provenance::new("compare", "fraction", args.seed),
            n_samples: split.len(),
            intershap: CompareInterShap {
                settings: inter_report.settings,
                output: inter_report
                    .outputs
                    .into_iter()
                    .next()
                    .ok_or_else(|| anyhow::anyhow!("InterSHAP explained no output"))?,
            },
            pid_model: pid_model_report,
            pid_labels: pid_labels_report,
            emap: Some(EmapReport::new(&em, args.seed, Some(args.emap_samples))),
            shape: ShapeReport::new(&sh, &sh_out, args.seed).with_intervals(sh_iv),
            warnings,
        };
        outputs.json(out, &report)?;
    }
    outputs.commit()?;
    Ok(())
}
