//! Zip archives (`.npz`, PyTorch `.pt`): opening and reading entries with errors
//! that say the file is truncated or corrupt instead of a bare zip error.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use crate::{Error, Result};

/// An open zip archive read from a file.
pub type Archive = zip::ZipArchive<BufReader<File>>;

/// Open `path` as a zip archive.
pub fn open(path: &Path, what: &str) -> Result<Archive> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    zip::ZipArchive::new(BufReader::new(file)).map_err(|e| {
        Error::format(
            path,
            format!("not a readable {what} (zip archive truncated or corrupt: {e})"),
        )
    })
}

/// The whole content of entry `name`; a CRC mismatch or short entry is reported as
/// a corrupt file.
pub fn read_entry(archive: &mut Archive, path: &Path, name: &str) -> Result<Vec<u8>> {
    let mut entry = archive
        .by_name(name)
        .map_err(|e| Error::format(path, format!("cannot open archive entry '{name}': {e}")))?;
    let mut bytes = Vec::with_capacity(usize::try_from(entry.size()).unwrap_or(0).min(1 << 30));
    entry.read_to_end(&mut bytes).map_err(|e| {
        Error::format(
            path,
            format!("archive entry '{name}' is truncated or corrupt: {e}"),
        )
    })?;
    Ok(bytes)
}
