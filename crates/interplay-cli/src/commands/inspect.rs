//! `interplay inspect`: describe a data file — splits, modalities, shapes, dtypes
//! and class balance — so a user can check a file before running an estimator.

use interplay::data::{read_with_info, Dataset, KeyRole, ReadInfo};
use serde_json::json;
use std::path::{Path, PathBuf};

use super::data_args::ReadArgs;
use crate::output::{table, Outputs};

/// Arguments of `interplay inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data file (.pt, .npz, .safetensors, .csv, or a directory of .npy files).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    #[command(flatten)]
    pub read: ReadArgs,

    /// Check that every label is below this number of classes (2 to 65536).
    #[arg(long, value_name = "C", value_parser = super::class_count_parser())]
    pub classes: Option<usize>,

    /// Also write the description as JSON to this file.
    #[arg(long, value_name = "OUT")]
    pub json: Option<PathBuf>,
}

/// Run `interplay inspect`.
pub fn run(args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[("--json", args.json.as_deref(), &["json"])])?;
    let (dataset, info) = read_with_info(&args.file, &args.read.options(args.classes))?;
    // A class count given on the command line also lists classes no row has.
    let n_classes = args.classes.or(dataset.n_classes());
    say!("{}", describe(&args.file, &dataset, &info, n_classes));
    if let Some(out) = &args.json {
        outputs.json(out, &to_json(&args.file, &dataset, &info, n_classes))?;
    }
    outputs.commit()?;
    Ok(())
}

/// Class counts `0..C` of a split, or `None` when unlabelled.
fn class_counts(labels: Option<&[usize]>, n_classes: usize) -> Option<Vec<usize>> {
    labels.map(|l| {
        let mut counts = vec![0usize; n_classes];
        for &y in l {
            counts[y] += 1;
        }
        counts
    })
}

fn role_text(role: &KeyRole) -> String {
    match role {
        KeyRole::Features { split, modality } => format!("{split} modality {modality}"),
        KeyRole::Targets { split } => format!("{split} labels"),
        KeyRole::Extra { split, name } => format!("{split} extra '{name}'"),
        KeyRole::Ignored => "ignored".to_string(),
    }
}

fn join<T: ToString>(items: &[T], sep: &str) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(sep)
}

/// The human-readable description printed on stdout.
fn describe(path: &Path, dataset: &Dataset, info: &ReadInfo, n_classes: Option<usize>) -> String {
    let names = dataset.split_names();
    let mut out = format!(
        "{} ({}): {} split{}, {} modalities (dims {}), {}\n\n",
        path.display(),
        info.format,
        names.len(),
        if names.len() == 1 { "" } else { "s" },
        dataset.n_modalities(),
        join(&dataset.dims(), ", "),
        match n_classes {
            Some(c) => format!("{c} classes"),
            None => "unlabelled".to_string(),
        }
    );

    let m = dataset.n_modalities();
    let mut header: Vec<String> = vec!["split".into(), "rows".into()];
    header.extend((1..=m).map(|k| format!("modality {k}")));
    header.extend(["labels".to_string(), "extras".to_string()]);
    let rows: Vec<Vec<String>> = names
        .iter()
        .map(|name| {
            let s = &dataset.splits[*name];
            let mut row = vec![name.to_string(), s.len().to_string()];
            row.extend(s.dims().iter().map(|d| format!("{d} cols")));
            row.push(if s.labels().is_some() { "yes" } else { "no" }.into());
            row.push(if s.extras().is_empty() {
                "-".into()
            } else {
                s.extras()
                    .iter()
                    .map(|(k, v)| format!("{k} ({} cols)", v.ncols()))
                    .collect::<Vec<_>>()
                    .join(", ")
            });
            row
        })
        .collect();
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    out += &table(&header_refs, &rows);
    out += "\n\n";

    let key_rows: Vec<Vec<String>> = info
        .keys
        .iter()
        .map(|k| {
            vec![
                k.key.clone(),
                k.dtype.to_string(),
                format!("[{}]", join(&k.shape, ", ")),
                role_text(&k.role),
            ]
        })
        .collect();
    out += &table(&["key", "dtype", "shape", "used as"], &key_rows);

    if let Some(c) = n_classes {
        let counts: Vec<Option<Vec<usize>>> = names
            .iter()
            .map(|n| class_counts(dataset.splits[*n].labels(), c))
            .collect();
        let mut header = vec!["class"];
        header.extend(names.iter().copied());
        let rows: Vec<Vec<String>> = (0..c)
            .map(|y| {
                let mut row = vec![y.to_string()];
                for (name, cnt) in names.iter().zip(&counts) {
                    row.push(match cnt {
                        Some(cnt) => {
                            let n = dataset.splits[*name].len().max(1);
                            format!("{} ({:.1}%)", cnt[y], 100.0 * cnt[y] as f64 / n as f64)
                        }
                        None => "-".into(),
                    });
                }
                row
            })
            .collect();
        out += "\n\nclass balance (count and % of the split's rows)\n";
        out += &table(&header, &rows);
    }
    out
}

/// The description as JSON for `--json`.
fn to_json(
    path: &Path,
    dataset: &Dataset,
    info: &ReadInfo,
    n_classes: Option<usize>,
) -> serde_json::Value {
    let splits: Vec<serde_json::Value> = dataset
        .split_names()
        .iter()
        .map(|name| {
            let s = &dataset.splits[*name];
            let counts = n_classes.and_then(|c| class_counts(s.labels(), c));
            json!({
                "name": name,
                "rows": s.len(),
                "dims": s.dims(),
                "labelled": s.labels().is_some(),
                "class_counts": counts,
                "extras": s.extras().iter().map(|(k, v)| (k.clone(), json!(v.ncols())))
                    .collect::<serde_json::Map<_, _>>(),
            })
        })
        .collect();
    let keys: Vec<serde_json::Value> = info
        .keys
        .iter()
        .map(|k| {
            json!({
                "key": k.key,
                "dtype": k.dtype.name(),
                "shape": k.shape,
                "used_as": role_text(&k.role),
            })
        })
        .collect();
    json!({
        "file": path.display().to_string(),
        "format": info.format.name(),
        "n_modalities": dataset.n_modalities(),
        "dims": dataset.dims(),
        "n_classes": n_classes,
        "splits": splits,
        "keys": keys,
    })
}
