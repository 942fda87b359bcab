//! Tables of named numeric columns as Apache Parquet, for per-sample results that
//! dataframe tools (pandas, polars, Spark) open directly.
//!
//! Needs the `parquet` feature (on by default); without it this module is absent.

use std::path::Path;
use std::sync::Arc;

use parquet::data_type::{DoubleType, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::types::Type;

use crate::{Error, Result};

/// One column of a [`write_table`] table.
#[derive(Debug, Clone, Copy)]
pub enum Column<'a> {
    /// 64-bit integers (indices, codes).
    Int64(&'a [i64]),
    /// 64-bit floats (estimates).
    Float64(&'a [f64]),
}

impl Column<'_> {
    fn len(&self) -> usize {
        match self {
            Column::Int64(v) => v.len(),
            Column::Float64(v) => v.len(),
        }
    }
}

/// Write named columns of equal length to `path` as one Parquet row group
/// (uncompressed, required fields). The file appears only once it is complete.
pub fn write_table(path: &Path, columns: &[(&str, Column<'_>)]) -> Result<()> {
    let mut staging = crate::output::Staging::new();
    staging.write(path, |file| write_table_to(file, path, columns))?;
    staging.commit()
}

/// Write the table into `sink`; `path` names the destination in errors.
pub fn write_table_to<W: std::io::Write + Send>(
    sink: W,
    path: &Path,
    columns: &[(&str, Column<'_>)],
) -> Result<()> {
    let rows = columns.first().map_or(0, |(_, c)| c.len());
    if let Some((name, c)) = columns.iter().find(|(_, c)| c.len() != rows) {
        return Err(Error::invalid(format!(
            "column '{name}' has {} rows but the first column has {rows}",
            c.len()
        )));
    }
    let fail = |e: parquet::errors::ParquetError| Error::io(path, std::io::Error::other(e));
    let fields = columns
        .iter()
        .map(|(name, c)| {
            let physical = match c {
                Column::Int64(_) => parquet::basic::Type::INT64,
                Column::Float64(_) => parquet::basic::Type::DOUBLE,
            };
            Type::primitive_type_builder(name, physical)
                .with_repetition(parquet::basic::Repetition::REQUIRED)
                .build()
                .map(Arc::new)
        })
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(fail)?;
    let schema = Type::group_type_builder("table")
        .with_fields(fields)
        .build()
        .map_err(fail)?;
    {
        let props = Arc::new(WriterProperties::builder().build());
        let mut writer = SerializedFileWriter::new(sink, Arc::new(schema), props).map_err(fail)?;
        let mut group = writer.next_row_group().map_err(fail)?;
        for (_, column) in columns {
            let mut out = group
                .next_column()
                .map_err(fail)?
                .ok_or_else(|| Error::invalid("parquet schema has fewer columns than data"))?;
            match column {
                Column::Int64(v) => out.typed::<Int64Type>().write_batch(v, None, None),
                Column::Float64(v) => out.typed::<DoubleType>().write_batch(v, None, None),
            }
            .map_err(fail)?;
            out.close().map_err(fail)?;
        }
        group.close().map_err(fail)?;
        writer.close().map_err(fail)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;

    #[test]
    fn columns_round_trip_through_the_parquet_reader() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let idx = [0i64, 1, 2];
        let val = [0.5f64, -1.25, 3.0];
        write_table(
            &path,
            &[("index", Column::Int64(&idx)), ("r", Column::Float64(&val))],
        )
        .unwrap();
        let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
        assert_eq!(reader.metadata().file_metadata().num_rows(), 3);
        let rows: Vec<(i64, f64)> = reader
            .get_row_iter(None)
            .unwrap()
            .map(|row| {
                let row = row.unwrap();
                let cols: Vec<&Field> = row.get_column_iter().map(|(_, f)| f).collect();
                match (cols[0], cols[1]) {
                    (Field::Long(i), Field::Double(v)) => (*i, *v),
                    other => panic!("unexpected fields {other:?}"),
                }
            })
            .collect();
        assert_eq!(rows, vec![(0, 0.5), (1, -1.25), (2, 3.0)]);
    }

    #[test]
    fn columns_of_different_lengths_are_refused_and_nothing_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.parquet");
        let err = write_table(
            &path,
            &[
                ("a", Column::Int64(&[1, 2])),
                ("b", Column::Float64(&[1.0])),
            ],
        )
        .unwrap_err();
        assert!(err.to_string().contains("column 'b'"), "{err}");
        assert!(!path.exists());
    }
}
