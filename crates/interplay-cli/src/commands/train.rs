//! `interplay train`: train a built-in fusion network (early, intermediate or late)
//! and save it as a self-describing .safetensors model.

use interplay::metrics::majority_rate;
use interplay::model::fusion::{fusion_bytes, train_fusion, Fusion, FusionTraining};
use interplay::params::Validate;
use interplay::report::TrainReport;
use std::path::PathBuf;

use super::data_args::DataArgs;
use super::UsageError;
use crate::output::{table, Outputs};
use crate::progress::Bars;

/// The library's defaults, the only place they are written.
fn defaults() -> FusionTraining {
    FusionTraining::default()
}

/// Arguments of `interplay train`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
pub struct Args {
    /// Data with `train` and `val` splits and labels (any readable format; CSV
    /// with a column spec).
    #[command(flatten)]
    pub data: DataArgs,
    /// Where the modalities are joined: early, intermediate or late.
    #[arg(long, default_value_t = Fusion::default())]
    pub fusion: Fusion,
    /// Output model file (.safetensors).
    #[arg(short = 'o', long)]
    pub output: PathBuf,
    /// Split to train on.
    #[arg(long, default_value = "train")]
    pub train_split: String,
    /// Split used to select the epoch (best macro-F1) and to report scores.
    #[arg(long, default_value = "val")]
    pub val_split: String,
    /// Passes over the training split.
    #[arg(long, default_value_t = defaults().epochs)]
    pub epochs: usize,
    /// Rows per mini-batch.
    #[arg(long, default_value_t = defaults().batch_size)]
    pub batch_size: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = defaults().lr)]
    pub lr: f64,
    /// Adam weight decay (L2).
    #[arg(long, default_value_t = defaults().weight_decay)]
    pub weight_decay: f64,
    /// Seed of the initialisation and batch order.
    #[arg(long, default_value_t = defaults().seed)]
    pub seed: u64,
    /// Write the training report as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay train`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let fusion = args.fusion;
    let mut outputs = Outputs::plan(&[
        ("-o", Some(args.output.as_path()), &["safetensors"]),
        ("--json", args.json.as_deref(), &["json"]),
    ])?;
    let config = FusionTraining {
        epochs: args.epochs,
        batch_size: args.batch_size,
        lr: args.lr,
        weight_decay: args.weight_decay,
        seed: args.seed,
        ..defaults()
    }
    .validate()?;
    let data = args.data.load(None)?;
    let train = data.split(&args.train_split)?;
    let val = data.split(&args.val_split)?;
    let n_classes = data
        .n_classes()
        .ok_or_else(|| UsageError("training needs labelled data".into()))?
        .max(2);
    let start = std::time::Instant::now();
    let (net, report) = train_fusion(
        fusion,
        train,
        val,
        n_classes,
        &config,
        &Bars::new(ctx.quiet),
    )?;
    let seconds = start.elapsed().as_secs_f64();
    let training = serde_json::to_string(&config)?;
    let model_bytes = fusion_bytes(
        &net,
        &[
            ("training".into(), training),
            ("best_epoch".into(), report.best_epoch.to_string()),
            ("val_accuracy".into(), report.val_accuracy.to_string()),
            ("val_macro_f1".into(), report.val_macro_f1.to_string()),
        ],
    )?;
    outputs.staging().write_bytes(&args.output, &model_bytes)?;
    let rows = vec![vec![
        fusion.name().to_string(),
        net.n_params().to_string(),
        format!("{}/{}", report.best_epoch, args.epochs),
        format!("{:.4}", report.val_accuracy),
        format!("{:.4}", report.val_macro_f1),
        format!(
            "{:.4}",
            report.train_loss.last().copied().unwrap_or(f64::NAN)
        ),
    ]];
    say!(
        "{}",
        table(
            &[
                "fusion",
                "parameters",
                "best epoch",
                "val accuracy",
                "val macro-F1",
                "final loss (nats)"
            ],
            &rows
        )
    );
    let majority = majority_rate(val.require_labels("validation")?);
    let summary = TrainReport::new(fusion.name(), net.n_params(), &report, &config, majority);
    crate::output::warn_all(&summary.warnings);
    if let Some(path) = &args.json {
        outputs.json(path, &summary)?;
    }
    outputs.commit()?;
    say!("saved {} ({seconds:.1} s)", args.output.display());
    Ok(())
}
