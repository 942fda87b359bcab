//! Reading a joint distribution p(x1, x2, y) from a CSV file with the columns
//! `x1, x2, y, p` (integer-coded outcomes, probabilities or counts), the input
//! format of `interplay pid --joint`.

use std::path::Path;

use crate::discrete::JointTable;
use crate::{Error, Result};

/// Read a joint table from CSV. The header must name the columns x1, x2, y and
/// p (in any order; extra columns are ignored). Repeated cells add up and the
/// table is normalised, so counts work too.
pub fn read_joint_csv(path: &Path) -> Result<JointTable> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_path(path)
        .map_err(|e| Error::format(path, e.to_string()))?;
    let headers = reader
        .headers()
        .map_err(|e| Error::format(path, e.to_string()))?
        .clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name))
            .ok_or_else(|| {
                Error::format(path, format!("missing column '{name}' (need x1, x2, y, p)"))
            })
    };
    let cols = [column("x1")?, column("x2")?, column("y")?, column("p")?];
    let mut entries = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record.map_err(|e| Error::format(path, e.to_string()))?;
        let field = |k: usize| record.get(cols[k]).unwrap_or("");
        let index = |k: usize| {
            field(k).parse::<usize>().map_err(|_| {
                Error::format(
                    path,
                    format!(
                        "row {}: '{}' is not a non-negative integer outcome",
                        line + 2,
                        field(k)
                    ),
                )
            })
        };
        let p = field(3).parse::<f64>().map_err(|_| {
            Error::format(
                path,
                format!("row {}: '{}' is not a number", line + 2, field(3)),
            )
        })?;
        entries.push((index(0)?, index(1)?, index(2)?, p));
    }
    JointTable::from_entries(&entries).map_err(|e| Error::format(path, e.to_string()))
}
