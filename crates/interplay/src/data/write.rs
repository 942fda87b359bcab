//! Writing a [`Dataset`] as `.npz`, `.safetensors` or a directory of `.npy` files,
//! with the key layout of the readers so that files round-trip and open in numpy
//! and torch. Output appears atomically: it is written to a temporary file in the
//! same directory and renamed, so a failure leaves nothing behind.

use std::path::Path;

use super::format::Format;
use super::keys;
use super::{npy_dir, npz, safetensors, Dataset};
use crate::{Error, Result};

/// Write `dataset` to `path` in `format` (from the extension when `None`).
pub fn write(path: &Path, dataset: &Dataset, format: Option<Format>) -> Result<()> {
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
    let tensors = keys::to_tensors(dataset)?;
    let parent = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    match format {
        Format::Npz => {
            let mut tmp = temp_file(parent)?;
            npz::write_to(tmp.as_file_mut(), path, &tensors)?;
            persist(tmp, path)
        }
        Format::Safetensors => {
            let bytes = safetensors::encode(&tensors)?;
            let mut tmp = temp_file(parent)?;
            std::io::Write::write_all(tmp.as_file_mut(), &bytes).map_err(|e| Error::io(path, e))?;
            persist(tmp, path)
        }
        _ => write_npy_dir(parent, path, &tensors),
    }
}

pub(crate) fn temp_file(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".interplay-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))
}

pub(crate) fn persist(tmp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    // Temporary files are created private (0600); the result is an ordinary file.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o644))
            .map_err(|e| Error::io(path, e))?;
    }
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// Fill a temporary directory, then rename it to `path` (which must not exist or
/// be an empty directory, so nothing of the user's is replaced).
fn write_npy_dir(
    parent: &Path,
    path: &Path,
    tensors: &[(String, super::tensor::RawTensor)],
) -> Result<()> {
    if path.exists() {
        let empty_dir = std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_none());
        if !empty_dir {
            return Err(Error::invalid(format!(
                "{}: already exists; the npy format writes a new directory",
                path.display()
            )));
        }
    }
    let tmp = tempfile::Builder::new()
        .prefix(".interplay-")
        .tempdir_in(parent)
        .map_err(|e| Error::io(parent, e))?;
    npy_dir::write_into(tmp.path(), tensors)?;
    std::fs::rename(tmp.path(), path).map_err(|e| Error::io(path, e))?;
    // The directory now lives at `path`; nothing is left to clean up.
    let _ = tmp.keep();
    Ok(())
}
