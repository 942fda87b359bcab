//! A directory of `.npy` files, one per key (`{dir}/{key}.npy`), the layout
//! `np.save` of each array produces. This is what the `npy` format means: a
//! single `.npy` file holds one array and cannot carry a multimodal dataset.

use std::path::Path;

use super::npy;
use super::tensor::RawTensor;
use crate::{Error, Result};

/// Every `{key}.npy` array in directory `dir`, sorted by key.
pub fn read(dir: &Path) -> Result<Vec<(String, RawTensor)>> {
    if !dir.is_dir() {
        return Err(Error::format(
            dir,
            "the npy format reads a directory of {key}.npy files, and this is not a directory",
        ));
    }
    let mut files: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, e))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter_map(|p| {
            let key = p.file_name()?.to_str()?.strip_suffix(".npy")?.to_string();
            p.is_file().then_some((key, p))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(key, file)| {
            let bytes = std::fs::read(&file).map_err(|e| Error::io(&file, e))?;
            let tensor =
                npy::decode(&bytes).map_err(|e| Error::format(dir, format!("key '{key}': {e}")))?;
            Ok((key, tensor))
        })
        .collect()
}

/// Write each array to `{dir}/{key}.npy`; `dir` must exist.
pub fn write_into(dir: &Path, tensors: &[(String, RawTensor)]) -> Result<()> {
    for (key, tensor) in tensors {
        let bytes = npy::encode(tensor).map_err(|e| Error::invalid(format!("key '{key}': {e}")))?;
        let file = dir.join(format!("{key}.npy"));
        std::fs::write(&file, bytes).map_err(|e| Error::io(&file, e))?;
    }
    Ok(())
}
