//! `interplay pid`: BROJA partial information decomposition of a discrete joint
//! table, or of continuous data discretised by PCA + k-means (optionally with a
//! model's predictions as the target).

use std::path::PathBuf;

use anyhow::Context as _;
use interplay::params::{Checked, Validate};
use interplay::pid::continuous::{pid_of_data, pid_of_model, DiscretiseOptions, Normalisation};
use interplay::pid::{
    broja, read_joint_csv, BrojaOptions, BrojaSolver, NullOptions, PidNull, PidResult,
};
use interplay::report::{PidReport, PidSource};
use interplay::Units;

use super::data_args::{DataArgs, ReadArgs};
use super::model_input::load_model;
use super::split_choice::{pick_split, two_modalities};
use super::UsageError;
use crate::output::{table, warn_all, Outputs};

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
    /// Label permutations of the shuffle null with --data (0 turns it off): each
    /// atom gets its null mean, bias-corrected value and p-value. A --joint table
    /// has no samples to shuffle and gets none.
    #[arg(long, value_name = "K", default_value_t = NullOptions::default().shuffles)]
    pub shuffles: usize,
    /// Seed of the PCA sketch, k-means++ and the label shuffles.
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
    let null_options = NullOptions {
        shuffles: args.shuffles,
        seed: args.seed,
        ..NullOptions::default()
    }
    .validate()?;
    let (result, source, null) = match (&args.joint, &args.data) {
        (Some(path), None) => {
            let p = read_joint_csv(path)?;
            let r = broja(&p, &options).with_context(|| format!("PID of {}", path.display()))?;
            (r, PidSource::table("joint", p.shape(), None), None)
        }
        (None, Some(_)) => data_pid(&args, &options, &null_options)?,
        _ => return Err(UsageError("give either --joint TABLE.csv or --data FILE".into()).into()),
    };
    print_result(&result, null.as_ref());
    let report = PidReport::new(&result, source, args.seed).with_null(null);
    warn_all(&report.warnings);
    if let Some(out) = &args.json {
        outputs.json(out, &report)?;
    }
    outputs.commit()?;
    Ok(())
}

/// PID of a dataset: discretise both modalities and decompose the histogram
/// with the labels, or with the model's predictions when --model is given.
/// The shuffle null keeps the discretisation and permutes the target.
fn data_pid(
    args: &Args,
    options: &Checked<BrojaOptions>,
    null_options: &Checked<NullOptions>,
) -> anyhow::Result<(PidResult, PidSource, Option<PidNull>)> {
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
    let null = r.shuffle_null(options, null_options)?;
    Ok((r.pid, source, null))
}

/// The atoms and MIs; with a null, also its mean, the bias-corrected value and
/// the p-value of each.
fn print_result(r: &PidResult, null: Option<&PidNull>) {
    let u = r.units.name();
    let quantities = [
        ("redundancy R", r.redundancy, null.map(|n| &n.redundancy)),
        ("unique U1 (x1)", r.unique1, null.map(|n| &n.uniqueness_1)),
        ("unique U2 (x2)", r.unique2, null.map(|n| &n.uniqueness_2)),
        ("synergy S", r.synergy, null.map(|n| &n.synergy)),
        ("I(X1;Y)", r.mi_x1_y, null.map(|n| &n.mi_x1_y)),
        ("I(X2;Y)", r.mi_x2_y, null.map(|n| &n.mi_x2_y)),
        ("I(X1,X2;Y)", r.mi_x1x2_y, null.map(|n| &n.mi_x1x2_y)),
    ];
    let rows: Vec<Vec<String>> = quantities
        .iter()
        .map(|(name, v, stat)| {
            let mut row = vec![name.to_string(), format!("{v:.6}")];
            if let Some(s) = stat {
                row.push(format!("{:.6}", s.null_mean));
                row.push(format!("{:.6}", s.corrected));
                let star = if s.significant { " *" } else { "" };
                row.push(format!("{:.3}{star}", s.p_value));
            }
            row.push(u.to_string());
            row
        })
        .collect();
    let header: &[&str] = if null.is_some() {
        &["quantity", "value", "null mean", "corrected", "p", "unit"]
    } else {
        &["quantity", "value", "unit"]
    };
    say!("{}", table(header, &rows));
    if let Some(n) = null {
        say!(
            "null: {} label shuffles; corrected = value − null mean; p = (1 + #shuffles ≥ value)/(K + 1), * significant at {}",
            n.shuffles,
            n.alpha
        );
    }
    say!(
        "solver {:?}, status {:?}, duality gap {:.2e} {u}, {} iterations",
        r.solver,
        r.status,
        r.duality_gap,
        r.iterations
    );
}
