//! `interplay generate`: synthetic data with known answers.

use anyhow::Context as _;
use std::path::{Path, PathBuf};

use interplay::data::Dataset;
use interplay::params::Validate;
use interplay::synth::{gaussian, hdxor, pid_discrete};

use crate::commands::UsageError;
use crate::output::{table, Outputs};

/// Arguments of `interplay generate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(subcommand)]
    family: Family,
}

/// The synthetic families.
#[derive(Debug, clap::Subcommand)]
enum Family {
    /// The LSMI demo family: y ~ U{0..C-1}, x1 = e_y + u, x2 = e_y + ρu + √(1−ρ²)v,
    /// u, v ~ N(0, σ²I). Writes `train` and `val` splits.
    Gaussian(GaussianArgs),
    /// The InterSHAP HD-XOR family: high-dimensional projections of latents that
    /// carry XOR label bits (uniqueness, redundancy, synergy or random).
    /// Writes stratified `train`/`val`/`test` splits with the bits under the
    /// extra key `bits`.
    #[command(name = "hd-xor")]
    HdXor(HdXorArgs),
    /// Canonical discrete distributions with known PIDs (xor, and, or, rdn, unq1,
    /// unq2, sum, copy, rdnxor, Liang's bitwise sets), sampled into one-hot
    /// modalities and/or written as a joint table.
    #[command(name = "pid-discrete")]
    PidDiscrete(PidDiscreteArgs),
}

/// Where and how to write the generated dataset.
#[derive(Debug, clap::Args)]
struct OutputArgs {
    /// Output data file; the format follows the extension (.npz,
    /// .safetensors) unless --format is given (npz, safetensors, npy = a
    /// directory of .npy files).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    output: Option<PathBuf>,
    /// Output format, overriding the extension (npz, safetensors, npy).
    #[arg(long, value_name = "FORMAT")]
    format: Option<String>,
    /// Seed of every random draw; the same seed gives the same data.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

/// The library's defaults of the Gaussian family, the only place they are written.
fn gaussian_defaults() -> gaussian::GaussianConfig {
    gaussian::GaussianConfig::default()
}

/// The library's HD-XOR defaults, the only place they are written.
fn hdxor_defaults() -> hdxor::HdXorConfig {
    hdxor::HdXorConfig::default()
}

/// The library's pid-discrete defaults, the only place they are written.
fn sampling_defaults() -> pid_discrete::DiscreteSampling {
    pid_discrete::DiscreteSampling::default()
}

/// Flags of `generate gaussian`.
#[derive(Debug, clap::Args)]
#[command(allow_negative_numbers = true)]
struct GaussianArgs {
    /// Samples in the train split.
    #[arg(long, default_value_t = gaussian_defaults().n_train)]
    n_train: usize,
    /// Samples in the val split (0 leaves it out).
    #[arg(long, default_value_t = gaussian_defaults().n_val)]
    n_val: usize,
    /// Correlation ρ between the two modalities' noises, in (−1, 1).
    #[arg(long, default_value_t = gaussian_defaults().rho, allow_negative_numbers = true)]
    rho: f64,
    /// Noise standard deviation σ > 0.
    #[arg(long, default_value_t = gaussian_defaults().sigma)]
    sigma: f64,
    /// Number of classes C ≥ 2 (also the width of each modality).
    #[arg(long, default_value_t = gaussian_defaults().n_classes)]
    classes: usize,
    #[command(flatten)]
    out: OutputArgs,
}

/// Flags of `generate hd-xor`.
#[derive(Debug, clap::Args)]
struct HdXorArgs {
    /// uniqueness1..M (1-based modality), redundancy, synergy or random.
    #[arg(long, default_value_t = hdxor_defaults().setting.to_string())]
    setting: String,
    /// Read `uniquenessK` with a 0-based K, as the original InterSHAP code names
    /// its datasets (original uniqueness0 = uniqueness1 here).
    #[arg(long)]
    zero_based: bool,
    /// Number of modalities M ≥ 2 (ignored when --dims is given).
    #[arg(long, default_value_t = hdxor_defaults().n_modalities())]
    modalities: usize,
    /// Comma-separated modality widths (default 200,100 then 150,100,150 for
    /// further modalities); their count sets M.
    #[arg(long, value_delimiter = ',', value_name = "D1,D2,...")]
    dims: Option<Vec<usize>>,
    /// Latent dimension d.
    #[arg(long, default_value_t = hdxor_defaults().latent_dim)]
    latent_dim: usize,
    /// Total number of samples over all splits.
    #[arg(long, default_value_t = hdxor_defaults().n_samples)]
    samples: usize,
    /// Fraction of each class in the train split.
    #[arg(long, default_value_t = hdxor_defaults().train_fraction)]
    train_fraction: f64,
    /// Fraction of each class in the val split (the rest is test).
    #[arg(long, default_value_t = hdxor_defaults().val_fraction)]
    val_fraction: f64,
    #[command(flatten)]
    out: OutputArgs,
}

/// Flags of `generate pid-discrete`.
#[derive(Debug, clap::Args)]
struct PidDiscreteArgs {
    /// Name of the canonical distribution (case-insensitive; see --list).
    #[arg(long, default_value_t = sampling_defaults().distribution)]
    dist: String,
    /// List the canonical distributions with their exact PIDs and exit.
    #[arg(long)]
    list: bool,
    /// Samples in the train split.
    #[arg(long, default_value_t = sampling_defaults().n_train)]
    n_train: usize,
    /// Samples in the val split (0 leaves it out).
    #[arg(long, default_value_t = sampling_defaults().n_val)]
    n_val: usize,
    /// Samples in the test split (0 leaves it out).
    #[arg(long, default_value_t = sampling_defaults().n_test)]
    n_test: usize,
    /// Also (or only) write the joint table p(x1, x2, y) as CSV with header
    /// x1,x2,y,p.
    #[arg(long, value_name = "FILE")]
    table_csv: Option<PathBuf>,
    #[command(flatten)]
    out: OutputArgs,
}

/// Run `interplay generate`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    match args.family {
        Family::Gaussian(a) => run_gaussian(a, ctx),
        Family::HdXor(a) => run_hdxor(a, ctx),
        Family::PidDiscrete(a) => run_pid_discrete(a, ctx),
    }
}

fn run_gaussian(a: GaussianArgs, ctx: crate::Context) -> anyhow::Result<()> {
    let output = required_output(&a.out)?;
    let config = gaussian::GaussianConfig {
        n_train: a.n_train,
        n_val: a.n_val,
        rho: a.rho,
        sigma: a.sigma,
        n_classes: a.classes,
    }
    .validate()?;
    let data = gaussian::generate(&config, a.out.seed)?;
    write_one(&data, output, &a.out, ctx)?;
    let oracle = config.oracle()?.mean(data.split("train")?)?;
    say!("{}", summary(&data));
    say!(
        "oracle means on train (nats): I(X1;Y) {:.4}  I(X2;Y) {:.4}  I(X1,X2;Y) {:.4}  H(X1) {:.4}",
        oracle.i1,
        oracle.i2,
        oracle.i12,
        oracle.h1
    );
    Ok(())
}

fn run_hdxor(a: HdXorArgs, ctx: crate::Context) -> anyhow::Result<()> {
    let output = required_output(&a.out)?;
    let setting = if a.zero_based {
        hdxor::HdXorSetting::parse_original(&a.setting)?
    } else {
        hdxor::HdXorSetting::parse(&a.setting)?
    };
    let dims = a.dims.unwrap_or_else(|| hdxor::default_dims(a.modalities));
    let config = hdxor::HdXorConfig {
        setting,
        dims,
        latent_dim: a.latent_dim,
        n_samples: a.samples,
        train_fraction: a.train_fraction,
        val_fraction: a.val_fraction,
    }
    .validate()?;
    let data = hdxor::generate(&config, a.out.seed)?;
    write_one(&data.dataset, output, &a.out, ctx)?;
    say!("{}", summary(&data.dataset));
    let carriers: Vec<String> = data
        .bit_carriers
        .iter()
        .enumerate()
        .map(|(i, bits)| format!("modality {}: {:?}", i + 1, bits))
        .collect();
    say!(
        "setting {setting}; label = 1 iff exactly one bit is set; bits carried by {}",
        carriers.join(", ")
    );
    Ok(())
}

fn run_pid_discrete(a: PidDiscreteArgs, ctx: crate::Context) -> anyhow::Result<()> {
    if a.list {
        let rows: Vec<Vec<String>> = pid_discrete::CANONICAL
            .iter()
            .map(|c| {
                let mut row = vec![c.name.to_ascii_lowercase(), c.description.to_string()];
                row.extend(c.broja_bits.iter().map(|v| format!("{v:.6}")));
                row
            })
            .collect();
        say!(
            "{}",
            table(&["name", "definition", "R", "U1", "U2", "S (bits)"], &rows)
        );
        return Ok(());
    }
    if a.out.output.is_none() && a.table_csv.is_none() {
        return Err(UsageError("give -o FILE for samples and/or --table-csv FILE".into()).into());
    }
    let mut outputs = Outputs::plan(&[("--table-csv", a.table_csv.as_deref(), &["csv"])])?;
    if let Some(output) = &a.out.output {
        check_output(output, &a.out)?;
        if let Some(table) = &a.table_csv {
            interplay::output::check_distinct(&[("-o", output), ("--table-csv", table)])?;
        }
    }
    let case = pid_discrete::canonical_case(&a.dist)?;
    let joint = case.table();
    if let Some(path) = &a.table_csv {
        let csv = pid_discrete::table_to_csv(&joint);
        outputs.staging().write_bytes(path, csv.as_bytes())?;
    }
    let mut sampled = None;
    if let Some(output) = &a.out.output {
        let data = pid_discrete::sample_dataset(&joint, a.n_train, a.n_val, a.n_test, a.out.seed)?;
        write(&data, output, &a.out, &mut outputs)?;
        sampled = Some(data);
    }
    outputs.commit()?;
    if !ctx.quiet {
        if let Some(path) = &a.table_csv {
            eprintln!("wrote the joint table to {}", path.display());
        }
        if let Some(path) = &a.out.output {
            eprintln!("wrote {}", path.display());
        }
    }
    if let Some(data) = &sampled {
        say!("{}", summary(data));
    }
    let [i1, i2, i12] = joint
        .mutual_informations()
        .map(|v| v / std::f64::consts::LN_2);
    let [r, u1, u2, s] = case.broja_bits;
    say!(
        "{}: {}; exact I(X1;Y) {i1:.6}, I(X2;Y) {i2:.6}, I(X1,X2;Y) {i12:.6}; BROJA R {r:.6}, U1 {u1:.6}, U2 {u2:.6}, S {s:.6} (bits)",
        case.name, case.description
    );
    Ok(())
}

/// The output path, which every family except a table-only pid-discrete needs,
/// checked before anything is generated.
fn required_output(out: &OutputArgs) -> anyhow::Result<&Path> {
    let path = out
        .output
        .as_deref()
        .ok_or_else(|| UsageError("give the output file with -o FILE".into()))?;
    check_output(path, out)?;
    Ok(path)
}

/// The requested (or extension-implied) output format.
fn format_of(out: &OutputArgs) -> anyhow::Result<Option<interplay::data::Format>> {
    Ok(match &out.format {
        Some(f) => Some(f.parse::<interplay::data::Format>()?),
        None => None,
    })
}

/// Refuse a destination that cannot be written before any work is done.
fn check_output(path: &Path, out: &OutputArgs) -> anyhow::Result<()> {
    let format = interplay::data::write::output_format(path, format_of(out)?)?;
    if format != interplay::data::Format::NpyDir {
        interplay::output::check_destination(path, "-o", &[])?;
    }
    Ok(())
}

/// Stage the dataset in the requested (or extension-implied) format.
fn write(
    data: &Dataset,
    path: &Path,
    out: &OutputArgs,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    interplay::data::write::stage(outputs.staging(), path, data, format_of(out)?)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}

/// Stage one dataset, commit, and say where it went.
fn write_one(
    data: &Dataset,
    path: &Path,
    out: &OutputArgs,
    ctx: crate::Context,
) -> anyhow::Result<()> {
    let mut outputs = Outputs::default();
    write(data, path, out, &mut outputs)?;
    outputs.commit()?;
    if !ctx.quiet {
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

/// One row per split: samples, modality widths and the share of each class.
fn summary(data: &Dataset) -> String {
    let rows: Vec<Vec<String>> = data
        .split_names()
        .into_iter()
        .map(|name| {
            let split = &data.splits[name];
            let dims: Vec<String> = split.dims().iter().map(usize::to_string).collect();
            let shares = split.labels().map_or_else(
                || "-".to_string(),
                |labels| {
                    let c = labels.iter().max().map_or(0, |m| m + 1);
                    (0..c)
                        .map(|k| {
                            let n = labels.iter().filter(|&&y| y == k).count();
                            format!("{:.3}", n as f64 / labels.len().max(1) as f64)
                        })
                        .collect::<Vec<_>>()
                        .join(" ")
                },
            );
            vec![
                name.to_string(),
                split.len().to_string(),
                dims.join(","),
                shares,
            ]
        })
        .collect();
    table(&["split", "samples", "dims", "class shares"], &rows)
}
