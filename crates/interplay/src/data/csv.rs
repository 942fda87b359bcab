//! CSV files with a header row. A column spec says which columns form each
//! modality (`1=f0:f9` — names, ranges inclusive in header order), which one holds
//! the labels, and optionally which one names the split of each row.

use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

use super::keys::{features_key, targets_key};
use super::tensor::RawTensor;
use crate::{Error, Result};

/// Columns `first` to `last` of the header, inclusive (one column when equal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ColumnRange {
    /// Name of the first column.
    pub first: String,
    /// Name of the last column.
    pub last: String,
}

/// The columns of one modality: `K=a:b[,c[:d]...]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModalitySpec {
    /// 1-based modality number.
    pub modality: usize,
    /// Column ranges, concatenated in the order given.
    pub columns: Vec<ColumnRange>,
}

impl FromStr for ModalitySpec {
    type Err = Error;

    /// Parse `1=f0:f9` or `2=a,b,c:e`.
    fn from_str(s: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::invalid(format!(
                "bad modality spec '{s}': {why} (expected K=FIRST:LAST, e.g. 1=f0:f9)"
            ))
        };
        let (k, cols) = s.split_once('=').ok_or_else(|| bad("no '='"))?;
        let modality: usize = k
            .trim()
            .parse()
            .ok()
            .filter(|&k| k >= 1)
            .ok_or_else(|| bad("the modality number must be 1 or more"))?;
        let columns = cols
            .split(',')
            .map(|part| {
                let (first, last) = part.split_once(':').unwrap_or((part, part));
                let (first, last) = (first.trim(), last.trim());
                if first.is_empty() || last.is_empty() {
                    return Err(bad("empty column name"));
                }
                Ok(ColumnRange {
                    first: first.to_string(),
                    last: last.to_string(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(ModalitySpec { modality, columns })
    }
}

/// How to read a CSV file into a dataset.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CsvSpec {
    /// The columns of each modality; modality numbers must be 1..M, M ≥ 2.
    pub modalities: Vec<ModalitySpec>,
    /// The label column, if the data is labelled.
    pub label: Option<String>,
    /// A column naming each row's split (`train`, `val`, ...); without it every
    /// row goes to the split `default_split` (or `train` when that is empty).
    pub split_column: Option<String>,
    /// The split name used when there is no split column.
    pub default_split: Option<String>,
}

/// The CSV rows as the named arrays of the key layout (features float64, labels
/// float64 checked later for integrality), split by the split column.
pub fn read(path: &Path, spec: &CsvSpec) -> Result<Vec<(String, RawTensor)>> {
    let reader = builder().from_path(path).map_err(|e| csv_error(path, e))?;
    read_records(path, reader, spec)
}

/// [`read`] for CSV text held in memory; `path` only names it in messages.
pub fn read_bytes(path: &Path, bytes: &[u8], spec: &CsvSpec) -> Result<Vec<(String, RawTensor)>> {
    read_records(path, builder().from_reader(bytes), spec)
}

fn builder() -> ::csv::ReaderBuilder {
    let mut b = ::csv::ReaderBuilder::new();
    b.has_headers(true).trim(::csv::Trim::All);
    b
}

fn read_records<R: std::io::Read>(
    path: &Path,
    mut reader: ::csv::Reader<R>,
    spec: &CsvSpec,
) -> Result<Vec<(String, RawTensor)>> {
    let header: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(path, e))?
        .iter()
        .map(str::to_string)
        .collect();
    let column = |name: &str| {
        let mut found = header.iter().enumerate().filter(|(_, h)| *h == name);
        match (found.next(), found.next()) {
            (Some((i, _)), None) => Ok(i),
            (Some(_), Some(_)) => Err(Error::format(
                path,
                format!("the header names column '{name}' more than once; rename one"),
            )),
            _ => Err(Error::format(
                path,
                format!("no column '{name}' (columns: {})", header.join(", ")),
            )),
        }
    };
    let groups = modality_columns(path, spec, &column)?;
    let label_col = spec.label.as_deref().map(column).transpose()?;
    let split_col = spec.split_column.as_deref().map(column).transpose()?;
    check_roles_disjoint(path, &header, &groups, label_col, split_col)?;
    let default_split = spec
        .default_split
        .clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "train".to_string());

    // Per split: one value buffer per modality, plus labels.
    struct Acc {
        features: Vec<Vec<f64>>,
        labels: Vec<f64>,
        rows: usize,
    }
    let mut splits: BTreeMap<String, Acc> = BTreeMap::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| csv_error(path, e))?;
        // Row numbers as a spreadsheet shows them: the header is line 1.
        let line = i + 2;
        let cell = |c: usize| -> Result<f64> {
            let text = record.get(c).unwrap_or("");
            text.parse::<f64>().map_err(|_| {
                Error::format(
                    path,
                    format!(
                        "line {line}, column '{}': cannot read '{text}' as a number",
                        header[c]
                    ),
                )
            })
        };
        let split = match split_col {
            Some(c) => record.get(c).unwrap_or("").to_string(),
            None => default_split.clone(),
        };
        if split.is_empty() {
            return Err(Error::format(
                path,
                format!("line {line}: the split column is empty"),
            ));
        }
        let acc = splits.entry(split).or_insert_with(|| Acc {
            features: vec![Vec::new(); groups.len()],
            labels: Vec::new(),
            rows: 0,
        });
        for (buf, cols) in acc.features.iter_mut().zip(&groups) {
            for &c in cols {
                buf.push(cell(c)?);
            }
        }
        if let Some(c) = label_col {
            acc.labels.push(cell(c)?);
        }
        acc.rows += 1;
    }
    if splits.is_empty() {
        return Err(Error::format(path, "the CSV file has no data rows"));
    }
    let mut out = Vec::new();
    for (split, acc) in splits {
        for (k, (values, cols)) in acc.features.into_iter().zip(&groups).enumerate() {
            out.push((
                features_key(&split, k + 1),
                RawTensor::from_f64(vec![acc.rows, cols.len()], &values),
            ));
        }
        if label_col.is_some() {
            out.push((
                targets_key(&split),
                RawTensor::from_f64(vec![acc.rows], &acc.labels),
            ));
        }
    }
    Ok(out)
}

/// The column indices of each modality, in modality order, checked to be 1..M
/// with M ≥ 2.
fn modality_columns(
    path: &Path,
    spec: &CsvSpec,
    column: &dyn Fn(&str) -> Result<usize>,
) -> Result<Vec<Vec<usize>>> {
    if spec.modalities.len() < 2 {
        return Err(Error::invalid(format!(
            "{}: a CSV file needs a column spec for at least 2 modalities, e.g. --modality 1=f0:f9 --modality 2=f10:f19",
            path.display()
        )));
    }
    let mut by_number: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for m in &spec.modalities {
        let mut cols = Vec::new();
        for r in &m.columns {
            let (a, b) = (column(&r.first)?, column(&r.last)?);
            if b < a {
                return Err(Error::invalid(format!(
                    "modality {}: column '{}' comes after '{}' in the header",
                    m.modality, r.first, r.last
                )));
            }
            cols.extend(a..=b);
        }
        if by_number.insert(m.modality, cols).is_some() {
            return Err(Error::invalid(format!(
                "modality {} is given twice",
                m.modality
            )));
        }
    }
    if let Some(missing) = (1..=by_number.len()).find(|k| !by_number.contains_key(k)) {
        return Err(Error::invalid(format!(
            "modalities must be numbered 1..{}; modality {missing} is missing",
            by_number.len()
        )));
    }
    Ok(by_number.into_values().collect())
}

/// Every column plays one role: a column in two modalities (or twice in one), or
/// the label or split column inside a modality, would silently leak or duplicate
/// information, so it is refused.
fn check_roles_disjoint(
    path: &Path,
    header: &[String],
    groups: &[Vec<usize>],
    label: Option<usize>,
    split: Option<usize>,
) -> Result<()> {
    let mut role: BTreeMap<usize, String> = BTreeMap::new();
    let named = groups
        .iter()
        .enumerate()
        .flat_map(|(k, cols)| {
            cols.iter()
                .map(move |&c| (c, format!("modality {}", k + 1)))
        })
        .chain(label.map(|c| (c, "the label".to_string())))
        .chain(split.map(|c| (c, "the split column".to_string())));
    for (c, what) in named {
        if let Some(before) = role.insert(c, what.clone()) {
            let name = header.get(c).map_or("?", String::as_str);
            return Err(Error::invalid(format!(
                "{}: column '{name}' is used twice (by {before} and by {what}); each column may play one role",
                path.display()
            )));
        }
    }
    Ok(())
}

fn csv_error(path: &Path, e: ::csv::Error) -> Error {
    match e.kind() {
        ::csv::ErrorKind::Io(_) => Error::Io {
            path: path.display().to_string(),
            message: e.to_string(),
        },
        _ => Error::format(path, format!("malformed CSV: {e}")),
    }
}
