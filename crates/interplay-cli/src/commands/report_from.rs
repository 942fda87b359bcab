//! `interplay report --from`: a report page from the outputs of earlier runs.
//!
//! Accepted: the `--json` reports of `lsmi`, `intershap`, `pid`, `emap`,
//! `shape` and `compare` (recognised by their `method` field), and the
//! `--per-sample` tables of `lsmi` and `intershap` as .csv or .npz (recognised by
//! their columns: `r` for LSMI, `local` for InterSHAP). A per-sample table needs
//! its method's report beside it; each method may be given once.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use interplay::report::html::ReportContent;
use interplay::report::samples::{InterShapSamples, LsmiSamples};
use interplay::report::table::Table;
use interplay::report::PidReport;

use super::UsageError;

/// The page content of `files`.
pub fn read_from(files: &[PathBuf]) -> anyhow::Result<ReportContent> {
    let mut c = ReportContent {
        title: "interplay report".into(),
        ..ReportContent::default()
    };
    for path in files {
        c.sources.push(path.display().to_string());
        let ext = interplay::output::extension(path);
        match ext.as_deref() {
            Some("json") => add_json(&mut c, path)?,
            Some("csv" | "npz") => add_table(&mut c, path)?,
            _ => {
                return Err(UsageError(format!(
                    "--from {}: give .json reports and .csv or .npz per-sample tables",
                    path.display()
                ))
                .into())
            }
        }
    }
    if c.lsmi_samples.is_some() && c.lsmi.is_none() {
        return Err(UsageError(
            "--from: an LSMI per-sample table needs the LSMI --json report beside it".into(),
        )
        .into());
    }
    if c.intershap_samples.is_some() && c.intershap.is_none() {
        return Err(UsageError(
            "--from: an InterSHAP per-sample table needs the InterSHAP --json report beside it"
                .into(),
        )
        .into());
    }
    if let (Some(r), Some(s)) = (&c.intershap, &c.intershap_samples) {
        if s.sample.len() != r.n_samples {
            return Err(UsageError(format!(
                "--from: the InterSHAP per-sample table has {} samples, its report {}: they are not from the same run",
                s.sample.len(),
                r.n_samples
            ))
            .into());
        }
    }
    Ok(c)
}

fn once<T>(slot: &mut Option<T>, value: T, what: &str, path: &Path) -> anyhow::Result<()> {
    if slot.is_some() {
        return Err(UsageError(format!(
            "--from {}: a second {what}; give each once",
            path.display()
        ))
        .into());
    }
    *slot = Some(value);
    Ok(())
}

fn add_json(c: &mut ReportContent, path: &Path) -> anyhow::Result<()> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| interplay::Error::format(path, format!("not JSON: {e}")))?;
    let method = value
        .get("method")
        .and_then(|m| m.as_str())
        .unwrap_or("")
        .to_string();
    let parse = |e: serde_json::Error| {
        interplay::Error::format(path, format!("not a {method} report: {e}"))
    };
    match method.as_str() {
        "lsmi" => once(&mut c.lsmi, serde_json::from_value(value).map_err(parse)?, "LSMI report", path),
        "intershap" => once(&mut c.intershap, serde_json::from_value(value).map_err(parse)?, "InterSHAP report", path),
        "emap" => once(&mut c.emap, serde_json::from_value(value).map_err(parse)?, "EMAP report", path),
        "shape" => once(&mut c.shape, serde_json::from_value(value).map_err(parse)?, "SHAPE report", path),
        "compare" => once(&mut c.compare, serde_json::from_value(value).map_err(parse)?, "compare report", path),
        "pid" => {
            let r: PidReport = serde_json::from_value(value).map_err(parse)?;
            let name = match r.source.kind.as_str() {
                "data" => "labels".to_string(),
                other => other.to_string(),
            };
            c.pid.push((name, r));
            Ok(())
        }
        other => Err(interplay::Error::format(
            path,
            format!("method '{other}' is not one a report draws (lsmi, intershap, pid, emap, shape, compare)"),
        )
        .into()),
    }
}

fn add_table(c: &mut ReportContent, path: &Path) -> anyhow::Result<()> {
    let table = Table::read(path)?;
    let has = |name: &str| table.columns().iter().any(|(n, _)| n == name);
    if has("r") && has("s") {
        let s = LsmiSamples::from_table(&table)
            .map_err(|e| interplay::Error::format(path, e.to_string()))?;
        once(&mut c.lsmi_samples, s, "LSMI per-sample table", path)
    } else if has("local") {
        let s = InterShapSamples::from_table(&table)
            .map_err(|e| interplay::Error::format(path, e.to_string()))?;
        once(
            &mut c.intershap_samples,
            s,
            "InterSHAP per-sample table",
            path,
        )
    } else {
        Err(interplay::Error::format(
            path,
            "neither an LSMI nor an InterSHAP per-sample table (no 'r'/'s' or 'local' column)",
        )
        .into())
    }
}
