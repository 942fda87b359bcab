//! Which file format a path holds: chosen from the extension unless the caller
//! names one, so the same command line works for every reader.

use std::path::Path;
use std::str::FromStr;

use crate::{Error, Result};

/// The data file formats interplay reads (and, for some, writes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// PyTorch `torch.save` of a dict of tensors (`.pt`, `.pth`); read only.
    Pt,
    /// numpy `np.savez` / `np.savez_compressed` archive (`.npz`).
    Npz,
    /// A directory of `{key}.npy` files, one per array (`np.save` of each key).
    NpyDir,
    /// Hugging Face safetensors (`.safetensors`).
    Safetensors,
    /// Comma-separated text with a header row and a column spec; read only.
    Csv,
}

impl Format {
    /// All formats, for error messages and `--help`.
    pub const ALL: [Format; 5] = [
        Format::Pt,
        Format::Npz,
        Format::NpyDir,
        Format::Safetensors,
        Format::Csv,
    ];

    /// The name used on the command line (`--format`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Pt => "pt",
            Format::Npz => "npz",
            Format::NpyDir => "npy",
            Format::Safetensors => "safetensors",
            Format::Csv => "csv",
        }
    }

    /// Whether [`crate::data::write()`] can produce this format.
    pub fn is_writable(self) -> bool {
        matches!(self, Format::Npz | Format::NpyDir | Format::Safetensors)
    }

    /// The format implied by a path: its extension, or [`Format::NpyDir`] for an
    /// existing directory. `None` when neither says.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        match ext.as_deref() {
            Some("pt" | "pth") => Some(Format::Pt),
            Some("npz") => Some(Format::Npz),
            Some("safetensors") => Some(Format::Safetensors),
            Some("csv") => Some(Format::Csv),
            _ if path.is_dir() => Some(Format::NpyDir),
            _ => None,
        }
    }

    /// The format to use for `path`: `given` when set, else from the path, else an
    /// error naming the extensions that are understood.
    pub fn resolve(path: &Path, given: Option<Format>) -> Result<Format> {
        if let Some(f) = given {
            return Ok(f);
        }
        if let Some(f) = Format::from_path(path) {
            return Ok(f);
        }
        let hint = if path.extension().is_some_and(|e| e == "npy") {
            "a single .npy file holds one array; pass a directory of {key}.npy files instead"
        } else {
            "unknown extension; use .pt, .pth, .npz, .safetensors, .csv or a directory of .npy files, or give --format"
        };
        Err(Error::format(path, hint))
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = Error;

    fn from_str(s: &str) -> Result<Self> {
        let lower = s.to_ascii_lowercase();
        let found = match lower.as_str() {
            "pth" | "torch" => Some(Format::Pt),
            "npy-dir" | "npy_dir" => Some(Format::NpyDir),
            "st" => Some(Format::Safetensors),
            _ => Format::ALL.into_iter().find(|f| f.name() == lower),
        };
        found.ok_or_else(|| {
            Error::invalid(format!(
                "unknown format '{s}' (formats: {})",
                Format::ALL.map(Format::name).join(", ")
            ))
        })
    }
}
