//! `interplay merge`: the report of one run from the partial results of its
//! shards (`interplay intershap|shape|emap --shard i/n --partial F` or `interplay
//! lsmi --models M --shard i/n --partial F`); the parts say which they are.

use interplay::data::limits::read_capped;
use interplay::emap::EmapPartial;
use interplay::intershap::{merge, Partial};
use interplay::lsmi::LsmiPartial;
use interplay::report::table::{check_format, intershap_table, lsmi_table, TABLE_EXTENSIONS};
use interplay::report::{EmapReport, InterShapReport};
use interplay::shape::ShapePartial;
use interplay::shard::ShardResult;
use std::path::{Path, PathBuf};
use std::time::Instant;

use super::intershap::print_result;
use super::UsageError;
use crate::output::{warn_all, Outputs};

/// Arguments of `interplay merge`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The partial results, one per shard, in any order.
    #[arg(required = true, value_name = "PARTIAL")]
    pub parts: Vec<PathBuf>,
    /// Write the merged report as JSON to this file (the report `interplay
    /// intershap --json` or `interplay lsmi --json` writes; schemas in
    /// docs/schema/).
    #[arg(long, short = 'o', visible_alias = "json", value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Write one row per sample (as the command's own --per-sample) to this
    /// file: CSV, NumPy .npz or Apache .parquet by extension.
    #[arg(long, value_name = "OUT")]
    pub per_sample: Option<PathBuf>,
}

/// Largest partial file read: a partial holds a few numbers per row and
/// modality pair, so anything bigger is not one (and is not read into memory).
const MAX_PARTIAL_BYTES: u64 = 8 << 30;

/// Every file as a part of kind `P`, checked.
fn parse<P: ShardResult>(files: &[(&Path, Vec<u8>)]) -> interplay::Result<Vec<P>> {
    files
        .iter()
        .map(|(p, b)| P::from_json(b, &p.display().to_string()))
        .collect()
}

/// The `kind` a partial file declares (without building its arrays).
fn kind_of(bytes: &[u8], path: &Path) -> anyhow::Result<String> {
    #[derive(serde::Deserialize)]
    struct Kind {
        kind: String,
    }
    let kind: Kind = serde_json::from_slice(bytes)
        .map_err(|e| interplay::Error::format(path, format!("not a partial result: {e}")))?;
    Ok(kind.kind)
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
    let files = args
        .parts
        .iter()
        .map(|p| read_capped(p, MAX_PARTIAL_BYTES, "partial result").map(|b| (p.as_path(), b)))
        .collect::<interplay::Result<Vec<_>>>()?;
    let (first, bytes) = &files[0];
    let kind = kind_of(bytes, first)?;
    let known = [
        Partial::KIND,
        LsmiPartial::KIND,
        ShapePartial::KIND,
        EmapPartial::KIND,
    ];
    if !known.contains(&kind.as_str()) {
        return Err(interplay::Error::format(
            first,
            format!(
                "kind '{kind}' is not a partial result (interplay merges the parts of \
                 intershap, lsmi, shape and emap runs)"
            ),
        )
        .into());
    }
    if args.per_sample.is_some() && [ShapePartial::KIND, EmapPartial::KIND].contains(&kind.as_str())
    {
        return Err(UsageError(format!(
            "parts of kind '{kind}' have no per-sample table: drop --per-sample"
        ))
        .into());
    }
    match kind.as_str() {
        LsmiPartial::KIND => merge_lsmi(&files, &args, &mut outputs)?,
        ShapePartial::KIND => merge_shape(&files, &args, &mut outputs)?,
        EmapPartial::KIND => merge_emap(&files, &args, &mut outputs)?,
        _ => merge_intershap(&files, &args, &mut outputs, start)?,
    }
    outputs.commit()
}

fn merge_intershap(
    files: &[(&Path, Vec<u8>)],
    args: &Args,
    outputs: &mut Outputs,
    start: Instant,
) -> anyhow::Result<()> {
    let parts: Vec<Partial> = parse(files)?;
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
    Ok(())
}

fn merge_lsmi(
    files: &[(&Path, Vec<u8>)],
    args: &Args,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    let parts: Vec<LsmiPartial> = parse(files)?;
    let merged = interplay::lsmi::merge(&parts)?;
    let report = merged.report()?;
    let units = merged.settings.units;
    say!(
        "LSMI from {} merged shards ({} rows, split {}, {} prior), {}:",
        parts.len(),
        report.n,
        report.evaluated,
        report.settings.prior,
        units.name()
    );
    say!("{}", super::lsmi::text(&report));
    warn_all(&report.warnings);
    if let Some(path) = &args.output {
        outputs.json(path, &report)?;
    }
    if let Some(path) = &args.per_sample {
        lsmi_table(&merged.result, units)?.write(outputs.staging(), path)?;
    }
    Ok(())
}

fn merge_emap(
    files: &[(&Path, Vec<u8>)],
    args: &Args,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    let parts: Vec<EmapPartial> = parse(files)?;
    let (result, settings) = interplay::emap::merge(&parts)?;
    super::emap::print_result(&result, &format!("{} merged shards", parts.len()));
    if let Some(path) = &args.output {
        let report = EmapReport::new(&result, settings.seed, settings.subsample);
        outputs.json(path, &report)?;
    }
    Ok(())
}

fn merge_shape(
    files: &[(&Path, Vec<u8>)],
    args: &Args,
    outputs: &mut Outputs,
) -> anyhow::Result<()> {
    let parts: Vec<ShapePartial> = parse(files)?;
    let merged = interplay::shape::merge(&parts)?;
    let s = &merged.settings;
    say!("SHAPE from {} merged shards:", parts.len());
    let report = super::shape::print_result(
        &merged.performance,
        &merged.output,
        merged.intervals,
        &s.background_split,
        s.seed,
    );
    if let Some(path) = &args.output {
        outputs.json(path, &report)?;
    }
    Ok(())
}
