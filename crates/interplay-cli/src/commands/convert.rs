//! `interplay convert`: rewrite a data file (any readable format) as `.npz`,
//! `.safetensors` or a directory of `.npy` files with the standard key layout,
//! checking it on the way.

use interplay::data::{read, write, Format};
use std::path::PathBuf;

use super::data_args::ReadArgs;

/// Arguments of `interplay convert`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The input data file (.pt, .npz, .safetensors, .csv, or a directory of .npy files).
    #[arg(value_name = "IN")]
    pub input: PathBuf,

    /// The output file: .npz or .safetensors (or a new directory with --to npy).
    #[arg(value_name = "OUT")]
    pub output: PathBuf,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Output format: npz, safetensors or npy. Default: from OUT's extension.
    #[arg(long, value_name = "FORMAT")]
    pub to: Option<Format>,

    /// Check that every label is below this number of classes (2 to 65536).
    #[arg(long, value_name = "C", value_parser = super::class_count_parser())]
    pub classes: Option<usize>,
}

/// Run `interplay convert`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let format = interplay::data::write::output_format(&args.output, args.to)?;
    if format != Format::NpyDir {
        interplay::output::check_destination(&args.output, "OUT", &[])?;
    }
    interplay::output::check_distinct(&[("IN", &args.input), ("OUT", &args.output)])?;
    let dataset = read(&args.input, &args.read.options(args.classes))?;
    write(&args.output, &dataset, Some(format))?;
    let rows: Vec<String> = dataset
        .split_names()
        .iter()
        .map(|n| format!("{n} {}", dataset.splits[*n].len()))
        .collect();
    say!(
        "wrote {}: {} modalities, rows: {}",
        args.output.display(),
        dataset.n_modalities(),
        rows.join(", ")
    );
    Ok(())
}
