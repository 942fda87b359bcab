//! Writing a [`Dataset`] as `.npz`, `.safetensors` or a directory of `.npy` files,
//! with the key layout of the readers so that files round-trip and open in numpy
//! and torch. Output appears atomically through [`Staging`]: it is written to a
//! temporary file (or folder) beside the destination and renamed, so a failure
//! leaves nothing behind.

use std::path::Path;

use super::format::Format;
use super::keys;
use super::{npy_dir, npz, safetensors, Dataset};
use crate::output::Staging;
use crate::{Error, Result};

/// Write `dataset` to `path` in `format` (from the extension when `None`).
pub fn write(path: &Path, dataset: &Dataset, format: Option<Format>) -> Result<()> {
    let mut staging = Staging::new();
    stage(&mut staging, path, dataset, format)?;
    staging.commit()
}

/// The format `path` will be written in, checked to be writable, so a command can
/// refuse a bad destination before it does any work.
pub fn output_format(path: &Path, format: Option<Format>) -> Result<Format> {
    let format = match format {
        Some(f) => f,
        None => Format::from_path(path).ok_or_else(|| {
            Error::invalid(format!(
                "{}: cannot tell the output format from the extension; use .npz or .safetensors, or give a format",
                path.display()
            ))
        })?,
    };
    if !format.is_writable() {
        return Err(Error::invalid(format!(
            "{}: cannot write the {format} format; write npz, safetensors or npy (a directory)",
            path.display()
        )));
    }
    if format == Format::NpyDir && path.exists() {
        let empty_dir = std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none());
        if !empty_dir {
            return Err(Error::invalid(format!(
                "{}: already exists; the npy format writes a new directory",
                path.display()
            )));
        }
    }
    Ok(format)
}

/// Stage `dataset` for `path` in `staging`; it appears when the staging commits.
pub fn stage(
    staging: &mut Staging,
    path: &Path,
    dataset: &Dataset,
    format: Option<Format>,
) -> Result<()> {
    let format = output_format(path, format)?;
    let tensors = keys::to_tensors(dataset)?;
    match format {
        Format::Npz => staging.write(path, |file| npz::write_to(file, path, &tensors)),
        Format::Safetensors => {
            let bytes = safetensors::encode(&tensors)?;
            staging.write_bytes(path, &bytes)
        }
        _ => staging.write_dir(path, |dir| npy_dir::write_into(dir, &tensors)),
    }
}
