//! `interplay merge`: the report of one InterSHAP run from the partial results of
//! its shards (`interplay intershap --shard i/n --partial F`).

use interplay::intershap::{merge, Partial};
use interplay::report::table::{check_format, intershap_table, TABLE_EXTENSIONS};
use interplay::report::InterShapReport;
use std::path::PathBuf;
use std::time::Instant;

use super::intershap::print_result;
use crate::output::Outputs;

/// Arguments of `interplay merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The partial results, one per shard, in any order.
    #[arg(required = true, value_name = "PARTIAL")]
    pub parts: Vec<PathBuf>,
    /// Write the merged report as JSON to this file (the report `interplay
    /// intershap --json` writes; schema: docs/schema/intershap.schema.json).
    #[arg(long, short = 'o', visible_alias = "json", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write one row per sample (local score, v(∅), v(M), φ and Φ) to this file:
    /// CSV, NumPy .npz or Apache .parquet by extension.
    #[arg(long, value_name = "OUT")]
    pub per_sample: Option<PathBuf>,
}

/// Largest partial file read: a partial holds a few numbers per row and
/// modality pair, so anything bigger is not one (and is not read into memory).
const MAX_PARTIAL_BYTES: u64 = 8 << 30;

fn read_part(path: &std::path::Path) -> anyhow::Result<Partial> {
    let io = |e: std::io::Error| interplay::Error::Io {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_PARTIAL_BYTES {
        return Err(interplay::Error::format(
            path,
            format!("{size} bytes is larger than any partial result"),
        )
        .into());
    }
    let bytes = std::fs::read(path).map_err(io)?;
    Ok(Partial::from_json(&bytes, &path.display().to_string())?)
}

/// Run `interplay merge`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[
        ("--output", args.output.as_deref(), &["json"]),
        (
            "--per-sample",
            args.per_sample.as_deref(),
            &TABLE_EXTENSIONS,
        ),
    ])?;
    if let Some(path) = &args.per_sample {
        check_format(path)?;
    }
    let start = Instant::now();
    let parts = args
        .parts
        .iter()
        .map(|p| read_part(p))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let result = merge(&parts)?;
    let config = parts[0].config()?;
    let report = InterShapReport::new(&result, &config, None);
    print_result(
        &report,
        &format!("{} merged shards", parts.len()),
        "",
        start.elapsed().as_secs_f64(),
    );
    if let Some(path) = &args.output {
        outputs.json(path, &report)?;
    }
    if let Some(path) = &args.per_sample {
        intershap_table(&result)?.write(outputs.staging(), path)?;
    }
    outputs.commit()
}
