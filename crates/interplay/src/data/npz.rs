//! numpy `.npz` archives: a zip of `{key}.npy` entries, as `np.savez` and
//! `np.savez_compressed` write them.

use std::io::{Read, Seek, Write};
use std::path::Path;

use super::archive::{self, Archive};
use super::npy;
use super::tensor::RawTensor;
use crate::{Error, Result};

/// Every array of an `.npz` file, in archive order.
pub fn read(path: &Path) -> Result<Vec<(String, RawTensor)>> {
    read_archive(&mut archive::open(path, WHAT)?, path)
}

/// [`read`] from the bytes of an `.npz` file; `path` only names it in messages.
pub fn read_bytes(path: &Path, bytes: &[u8]) -> Result<Vec<(String, RawTensor)>> {
    read_archive(&mut archive::from_bytes(bytes, path, WHAT)?, path)
}

const WHAT: &str = ".npz archive";

fn read_archive<R: Read + Seek>(
    zip: &mut Archive<R>,
    path: &Path,
) -> Result<Vec<(String, RawTensor)>> {
    let names = zip.names();
    let mut out = Vec::with_capacity(names.len());
    for name in names {
        let Some(key) = name.strip_suffix(".npy") else {
            continue;
        };
        let bytes = zip.read(&name)?;
        let tensor =
            npy::decode(&bytes).map_err(|e| Error::format(path, format!("key '{key}': {e}")))?;
        out.push((key.to_string(), tensor));
    }
    Ok(out)
}

/// Write the arrays as an uncompressed `.npz` (what `np.savez` writes), which
/// `np.load` opens lazily and fast.
pub fn write_to<W: Write + Seek>(
    sink: W,
    path: &Path,
    tensors: &[(String, RawTensor)],
) -> Result<()> {
    let mut zip = zip::ZipWriter::new(sink);
    let failed = |e: &dyn std::fmt::Display| Error::Io {
        path: path.display().to_string(),
        message: format!("writing the .npz archive failed: {e}"),
    };
    for (key, tensor) in tensors {
        let bytes = npy::encode(tensor).map_err(|e| Error::invalid(format!("key '{key}': {e}")))?;
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Stored)
            .large_file(bytes.len() as u64 >= u64::from(u32::MAX));
        zip.start_file(format!("{key}.npy"), options)
            .map_err(|e| failed(&e))?;
        zip.write_all(&bytes).map_err(|e| failed(&e))?;
    }
    zip.finish().map_err(|e| failed(&e))?;
    Ok(())
}
