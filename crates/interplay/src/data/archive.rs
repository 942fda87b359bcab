//! Zip archives (`.npz`, PyTorch `.pt`): opening and reading entries with errors
//! that say the file is truncated or corrupt instead of a bare zip error, and
//! with limits that keep a small archive from inflating into gigabytes.

use std::fs::File;
use std::io::{BufReader, Cursor, Read, Seek};
use std::path::{Path, PathBuf};

use super::limits::{zip_budget, ZIP_FLOOR, ZIP_MAX_ENTRIES, ZIP_MAX_RATIO};
use crate::{Error, Result};

/// An open zip archive, with the uncompressed bytes it may still yield.
pub struct Archive<R: Read + Seek> {
    zip: zip::ZipArchive<R>,
    path: PathBuf,
    budget: u64,
}

/// Open `path` as a zip archive.
pub fn open(path: &Path, what: &str) -> Result<Archive<BufReader<File>>> {
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let len = file.metadata().map_err(|e| Error::io(path, e))?.len();
    Archive::new(BufReader::new(file), len, path, what)
}

/// Open in-memory bytes as a zip archive; `path` only names it in messages.
pub fn from_bytes<'a>(
    bytes: &'a [u8],
    path: &Path,
    what: &str,
) -> Result<Archive<Cursor<&'a [u8]>>> {
    Archive::new(Cursor::new(bytes), bytes.len() as u64, path, what)
}

impl<R: Read + Seek> Archive<R> {
    /// Read the central directory of a `len`-byte archive.
    pub fn new(reader: R, len: u64, path: &Path, what: &str) -> Result<Self> {
        let zip = zip::ZipArchive::new(reader).map_err(|e| {
            Error::format(
                path,
                format!("not a readable {what} (zip archive truncated or corrupt: {e})"),
            )
        })?;
        if zip.len() > ZIP_MAX_ENTRIES {
            return Err(Error::format(
                path,
                format!(
                    "the archive has {} entries, more than the {ZIP_MAX_ENTRIES} allowed",
                    zip.len()
                ),
            ));
        }
        Ok(Archive {
            zip,
            path: path.to_path_buf(),
            budget: zip_budget(len),
        })
    }

    /// The entry names, in archive order.
    pub fn names(&self) -> Vec<String> {
        self.zip.file_names().map(str::to_string).collect()
    }

    /// The uncompressed size entry `name` declares in the zip directory.
    pub fn declared_size(&mut self, name: &str) -> Result<u64> {
        Ok(self.open_entry(name)?.size())
    }

    /// The whole content of entry `name`, refused before inflating when its
    /// declared size breaks a limit, and while inflating when it grows past
    /// the declared size. A CRC mismatch or short entry is a corrupt file.
    pub fn read(&mut self, name: &str) -> Result<Vec<u8>> {
        let budget = self.budget;
        let path = self.path.clone();
        let corrupt = |e: &dyn std::fmt::Display| {
            Error::format(
                &path,
                format!("archive entry '{name}' is truncated or corrupt: {e}"),
            )
        };
        let entry = self.open_entry(name)?;
        let declared = entry.size();
        check_inflate(declared, entry.compressed_size(), budget)
            .map_err(|m| Error::format(&path, format!("archive entry '{name}': {m}")))?;
        // Grow as data arrives rather than trusting the declared size up front.
        let mut bytes = Vec::with_capacity(usize::try_from(declared.min(1 << 20)).unwrap_or(0));
        entry
            .take(declared.saturating_add(1))
            .read_to_end(&mut bytes)
            .map_err(|e| corrupt(&e))?;
        if bytes.len() as u64 != declared {
            return Err(corrupt(&format!(
                "it inflates to {}{} bytes but the zip directory declares {declared}",
                bytes.len(),
                if bytes.len() as u64 > declared {
                    " or more"
                } else {
                    ""
                }
            )));
        }
        self.budget -= declared;
        Ok(bytes)
    }

    fn open_entry(&mut self, name: &str) -> Result<zip::read::ZipFile<'_, R>> {
        let path = &self.path;
        self.zip
            .by_name(name)
            .map_err(|e| Error::format(path, format!("cannot open archive entry '{name}': {e}")))
    }
}

/// Refuse an entry whose declared size exceeds what is left of the archive's
/// budget or whose inflate ratio is implausible for real data.
fn check_inflate(declared: u64, compressed: u64, budget: u64) -> std::result::Result<(), String> {
    if declared > budget {
        return Err(format!(
            "declares {declared} uncompressed bytes, beyond the {budget} this archive may still inflate to (a zip bomb?)"
        ));
    }
    if declared > ZIP_FLOOR && declared / compressed.max(1) > ZIP_MAX_RATIO {
        return Err(format!(
            "inflates {compressed} bytes to {declared}, a ratio above {ZIP_MAX_RATIO}:1 (a zip bomb?)"
        ));
    }
    Ok(())
}
