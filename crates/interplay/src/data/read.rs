//! Reading a data file of any supported format into a [`Dataset`].

use std::path::Path;

use super::csv::CsvSpec;
use super::format::Format;
use super::keys::{self, KeyInfo};
use super::tensor::RawTensor;
use super::{csv, npy, npy_dir, npz, pt, safetensors, Dataset};
use crate::{Error, Result};

/// How to read a data file. The default reads by extension with no label bound.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The format; `None` picks it from the extension (or a directory → npy).
    pub format: Option<Format>,
    /// Which columns form the modalities, labels and splits of a CSV file.
    pub csv: CsvSpec,
    /// When set, labels must lie in `0..n_classes`.
    pub n_classes: Option<usize>,
}

/// What a reader saw in the file, for `inspect`.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadInfo {
    /// The format the file was read as.
    pub format: Format,
    /// Every array in the file, in file order, with its original dtype and shape.
    pub keys: Vec<KeyInfo>,
}

/// Read and check a dataset. Errors are one line naming the file and the key.
pub fn read(path: &Path, opts: &ReadOptions) -> Result<Dataset> {
    read_with_info(path, opts).map(|(d, _)| d)
}

/// Read and check a dataset, and report each array's original dtype and shape.
pub fn read_with_info(path: &Path, opts: &ReadOptions) -> Result<(Dataset, ReadInfo)> {
    let format = Format::resolve(path, opts.format)?;
    let tensors = read_arrays(path, format, &opts.csv)?;
    let (dataset, keys) = keys::assemble(path, tensors, opts.n_classes)?;
    Ok((dataset, ReadInfo { format, keys }))
}

/// The named arrays of a file, undecoded into a dataset (for tools that need the
/// raw content).
pub fn read_arrays(path: &Path, format: Format, csv: &CsvSpec) -> Result<Vec<(String, RawTensor)>> {
    if !path.exists() {
        return Err(Error::io(
            path,
            std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
        ));
    }
    match format {
        Format::Pt => pt::read(path),
        Format::Npz => npz::read(path),
        Format::NpyDir => npy_dir::read(path),
        Format::Safetensors => safetensors::read(path),
        Format::Csv => csv::read(path, csv),
    }
}

/// The named arrays of a binary data file held in memory, as [`read_arrays`]
/// would return them from a file; `name` only names it in messages. This lets
/// fuzzers and callers with in-memory data drive every binary reader without
/// temporary files.
///
/// [`Format::NpyDir`] reads `bytes` as one `.npy` array keyed by `name`'s file
/// stem. CSV needs a column spec and is not read from bytes.
pub fn read_arrays_from_bytes(
    name: &str,
    bytes: &[u8],
    format: Format,
) -> Result<Vec<(String, RawTensor)>> {
    let path = Path::new(name);
    match format {
        Format::Pt => pt::read_bytes(path, bytes),
        Format::Npz => npz::read_bytes(path, bytes),
        Format::Safetensors => safetensors::read_bytes(path, bytes),
        Format::NpyDir => {
            let key = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("array")
                .to_string();
            let tensor =
                npy::decode(bytes).map_err(|e| Error::format(path, format!("key '{key}': {e}")))?;
            Ok(vec![(key, tensor)])
        }
        Format::Csv => Err(Error::invalid(
            "CSV is not read from bytes; use read_arrays with a column spec",
        )),
    }
}
