//! `interplay pid`: BROJA partial information decomposition of a discrete joint
//! table, or of continuous data discretised by PCA + k-means (optionally with a
//! model's predictions as the target).

use std::path::PathBuf;

use anyhow::Context as _;
use interplay::params::{Checked, Validate};
use interplay::pid::continuous::{pid_of_data, pid_of_model, DiscretiseOptions, Normalisation};
use interplay::pid::{broja, read_joint_csv, BrojaOptions, BrojaSolver, PidResult};
use interplay::report::{PidReport, PidSource};
use interplay::Units;

use super::data_args::{DataArgs, ReadArgs};
use super::model_input::load_model;
use super::split_choice::{pick_split, two_modalities};
use super::UsageError;
use crate::output::{table, Outputs};

/// Arguments of `interplay pid`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// A joint distribution as CSV with the columns x1, x2, y, p (integer-coded
    /// outcomes; p may be probabilities or counts).
    #[arg(long, value_name = "TABLE.csv", conflicts_with = "data")]
    pub joint: Option<PathBuf>,
    /// A dataset with two modalities and labels, discretised per modality by
    /// normalisation, PCA and k-means before the decomposition.
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
    /// Data split to use with --data (default: "test" if present, else the first split).
    #[arg(long, value_name = "NAME", requires = "data")]
    pub split: Option<String>,
    /// k-means clusters per modality with --data (default 30, or 20 with --synthetic-defaults).
    #[arg(long, value_name = "K", requires = "data")]
    pub clusters: Option<usize>,
    /// Principal components kept per modality with --data (default 5, or 2 with --synthetic-defaults).
    #[arg(long, value_name = "D", requires = "data")]
    pub pca: Option<usize>,
    /// Use the synthetic-data defaults of Liang et al. (PCA 2, 20 clusters)
    /// instead of the real-data ones (PCA 5, 30 clusters).
    #[arg(long, requires = "data")]
    pub synthetic_defaults: bool,
    /// Row scaling before PCA: l2 (each row to unit norm, as the original
    /// notebooks), standardise (each feature to mean 0, sd 1) or none.
    #[arg(long, value_name = "HOW", default_value_t = DiscretiseOptions::default().normalisation, requires = "data")]
    pub normalise: Normalisation,
    /// Replace the labels by this model's predictions ("PID of a model").
    #[arg(long, value_name = "MODEL", requires = "data")]
    pub model: Option<PathBuf>,
    /// Seed of the PCA sketch and k-means++.
    #[arg(long, default_value_t = DiscretiseOptions::default().seed)]
    pub seed: u64,
    /// Solver: newton (fast) or clarabel (exponential-cone oracle).
    #[arg(long, default_value_t = BrojaOptions::default().solver)]
    pub solver: BrojaSolver,
    /// Unit of the information quantities: bits or nats (the command line reports
    /// bits).
    #[arg(long, default_value_t = Units::Bits)]
    pub units: Units,
    /// Also write the result as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay pid`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[("--json", args.json.as_deref(), &["json"])])?;
    let options = BrojaOptions {
        solver: args.solver,
        units: args.units,
        ..BrojaOptions::default()
    }
    .validate()?;
    let (result, source) = match (&args.joint, &args.data) {
        (Some(path), None) => {
            let p = read_joint_csv(path)?;
            let r = broja(&p, &options).with_context(|| format!("PID of {}", path.display()))?;
            (r, PidSource::table("joint", p.shape(), None))
        }
        (None, Some(_)) => data_pid(&args, &options)?,
        _ => return Err(UsageError("give either --joint TABLE.csv or --data FILE".into()).into()),
    };
    print_result(&result);
    if let Some(out) = &args.json {
        outputs.json(out, &PidReport::new(&result, source, args.seed))?;
    }
    outputs.commit()?;
    Ok(())
}

/// PID of a dataset: discretise both modalities and decompose the histogram
/// with the labels, or with the model's predictions when --model is given.
fn data_pid(
    args: &Args,
    options: &Checked<BrojaOptions>,
) -> anyhow::Result<(PidResult, PidSource)> {
    let data = args
        .data
        .as_ref()
        .ok_or_else(|| UsageError("--data is required".into()))?;
    let dataset = DataArgs {
        data: data.clone(),
        read: args.read.clone(),
    }
    .load(None)?;
    let split_name = pick_split(&dataset, args.split.as_deref())?;
    let split = dataset.split(&split_name)?;
    let [x1, x2] = two_modalities(split, "PID")?;
    let mut discretise = if args.synthetic_defaults {
        DiscretiseOptions::synthetic()
    } else {
        DiscretiseOptions::real_data()
    };
    if let Some(k) = args.clusters {
        discretise.clusters = k;
    }
    if let Some(d) = args.pca {
        discretise.pca_components = d;
    }
    discretise.seed = args.seed;
    discretise.normalisation = args.normalise;
    let discretise = discretise.validate()?;
    let (r, kind) = match &args.model {
        Some(path) => {
            let model = load_model(path, &split.dims())?;
            (
                pid_of_model(x1, x2, model.as_ref(), &discretise, options)?,
                "model",
            )
        }
        None => {
            let labels = split.require_labels("PID")?;
            (pid_of_data(x1, x2, labels, &discretise, options)?, "data")
        }
    };
    let source = PidSource::discretised(kind, x1.nrows(), &discretise, &r);
    Ok((r.pid, source))
}

fn print_result(r: &PidResult) {
    let u = r.units.name();
    let row = |name: &str, v: f64| vec![name.to_string(), format!("{v:.6}"), u.to_string()];
    let rows = vec![
        row("redundancy R", r.redundancy),
        row("unique U1 (x1)", r.unique1),
        row("unique U2 (x2)", r.unique2),
        row("synergy S", r.synergy),
        row("I(X1;Y)", r.mi_x1_y),
        row("I(X2;Y)", r.mi_x2_y),
        row("I(X1,X2;Y)", r.mi_x1x2_y),
    ];
    say!("{}", table(&["quantity", "value", "unit"], &rows));
    say!(
        "solver {:?}, status {:?}, duality gap {:.2e} {u}, {} iterations",
        r.solver,
        r.status,
        r.duality_gap,
        r.iterations
    );
}
