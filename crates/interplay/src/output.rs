//! Output files written as one transaction.
//!
//! A run that writes several files (a JSON report, a per-sample table, a model)
//! must not leave half of them behind when it fails, nor replace a user's existing
//! file with a partial one. Callers therefore
//!
//! 1. check every destination with [`check_destination`] *before* any work starts
//!    (folder exists, is writable, the extension is one the flag knows), and
//! 2. write each file into a [`Staging`], which puts it in a temporary file beside
//!    its destination, and call [`Staging::commit`] once the whole run succeeded.
//!
//! Until the commit, every existing file is byte-identical and no new file is
//! visible; dropping a `Staging` removes its temporary files. Errors name the
//! destination, never the temporary file.

use std::fs::File;
use std::path::{Path, PathBuf};

use crate::{Error, Result};

/// The folder a file is written in (`.` for a bare file name).
pub fn parent_dir(path: &Path) -> &Path {
    match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// The lower-case extension of `path`, if it has one.
pub fn extension(path: &Path) -> Option<String> {
    path.extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
}

/// Check that `path` can receive the output of `flag` before any work is done:
/// its extension is one of `extensions` (lower case, without the dot; empty to
/// accept any), its folder exists and is writable, and it is not a directory.
pub fn check_destination(path: &Path, flag: &str, extensions: &[&str]) -> Result<()> {
    let shown = path.display();
    if path.is_dir() {
        return Err(Error::invalid(format!(
            "{flag} {shown}: is a directory, not a file name"
        )));
    }
    if !extensions.is_empty() {
        let ext = extension(path);
        if !ext.as_deref().is_some_and(|e| extensions.contains(&e)) {
            let list = extensions
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(", ");
            return Err(Error::invalid(format!(
                "{flag} {shown}: unknown extension; the file must end in {list}"
            )));
        }
    }
    let dir = parent_dir(path);
    if !dir.is_dir() {
        return Err(Error::invalid(format!(
            "{flag} {shown}: the folder {} does not exist",
            dir.display()
        )));
    }
    // The only reliable test of writability is to write: a temporary file in the
    // same folder, removed at once.
    temp_file(dir).map_err(|_| {
        Error::invalid(format!(
            "{flag} {shown}: cannot write in the folder {}",
            dir.display()
        ))
    })?;
    Ok(())
}

/// Refuse the same destination named by two flags (the second write would
/// silently replace the first).
pub fn check_distinct(paths: &[(&str, &Path)]) -> Result<()> {
    for (i, (flag_a, a)) in paths.iter().enumerate() {
        for (flag_b, b) in &paths[i + 1..] {
            let same = a == b
                || std::fs::canonicalize(a)
                    .ok()
                    .zip(std::fs::canonicalize(b).ok())
                    .is_some_and(|(x, y)| x == y);
            if same {
                return Err(Error::invalid(format!(
                    "{flag_a} and {flag_b} name the same file {}",
                    a.display()
                )));
            }
        }
    }
    Ok(())
}

/// Files written to temporary names, waiting to be renamed into place together.
#[derive(Debug, Default)]
pub struct Staging {
    files: Vec<(Staged, PathBuf)>,
}

/// One staged output: a file, or a folder (the npy data format).
#[derive(Debug)]
enum Staged {
    File(tempfile::NamedTempFile),
    Dir(tempfile::TempDir),
}

impl Staging {
    /// An empty transaction.
    pub fn new() -> Self {
        Self::default()
    }

    /// Write the file that will become `path`: `fill` receives the temporary file
    /// (and should name `path` in its errors).
    pub fn write(&mut self, path: &Path, fill: impl FnOnce(&mut File) -> Result<()>) -> Result<()> {
        let mut tmp = temp_file(parent_dir(path))?;
        fill(tmp.as_file_mut())?;
        tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
        self.files.push((Staged::File(tmp), path.to_path_buf()));
        Ok(())
    }

    /// Fill the folder that will become `path` (which must not exist, or be an
    /// empty folder, when the staging commits).
    pub fn write_dir(&mut self, path: &Path, fill: impl FnOnce(&Path) -> Result<()>) -> Result<()> {
        let parent = parent_dir(path);
        let tmp = tempfile::Builder::new()
            .prefix(".interplay-")
            .tempdir_in(parent)
            .map_err(|e| Error::io(parent, e))?;
        fill(tmp.path())?;
        self.files.push((Staged::Dir(tmp), path.to_path_buf()));
        Ok(())
    }

    /// Write `bytes` as the file that will become `path`.
    pub fn write_bytes(&mut self, path: &Path, bytes: &[u8]) -> Result<()> {
        self.write(path, |f| {
            std::io::Write::write_all(f, bytes).map_err(|e| Error::io(path, e))
        })
    }

    /// The destinations staged so far, in order.
    pub fn destinations(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|(_, p)| p.as_path())
    }

    /// Rename every staged file into place. Each rename is atomic; the files are
    /// complete and synced before the first one is renamed.
    pub fn commit(self) -> Result<()> {
        for (staged, path) in self.files {
            match staged {
                Staged::File(tmp) => persist(tmp, &path)?,
                Staged::Dir(tmp) => {
                    std::fs::rename(tmp.path(), &path).map_err(|e| Error::io(&path, e))?;
                    // The folder now lives at `path`; nothing is left to clean up.
                    let _ = tmp.keep();
                }
            }
        }
        Ok(())
    }
}

/// A private temporary file in `dir`, removed when dropped.
pub(crate) fn temp_file(dir: &Path) -> Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".interplay-")
        .tempfile_in(dir)
        .map_err(|e| Error::io(dir, e))
}

/// Give a finished temporary file the permissions of an ordinary file and rename
/// it to `path`.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_and_nothing_changes_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.json");
        let new = dir.path().join("new.csv");
        std::fs::write(&old, b"before").unwrap();
        let mut staging = Staging::new();
        staging.write_bytes(&old, b"after").unwrap();
        staging.write_bytes(&new, b"a,b\n").unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"before");
        assert!(!new.exists());
        drop(staging);
        assert_eq!(std::fs::read(&old).unwrap(), b"before");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);

        let mut staging = Staging::new();
        staging.write_bytes(&old, b"after").unwrap();
        staging.write_bytes(&new, b"a,b\n").unwrap();
        staging.commit().unwrap();
        assert_eq!(std::fs::read(&old).unwrap(), b"after");
        assert_eq!(std::fs::read(&new).unwrap(), b"a,b\n");
    }

    #[test]
    fn destinations_are_checked_before_work() {
        let dir = tempfile::tempdir().unwrap();
        let ok = dir.path().join("r.json");
        check_destination(&ok, "--json", &["json"]).unwrap();
        let bad_ext = dir.path().join("r.xlsx");
        let e = check_destination(&bad_ext, "--per-sample", &["csv", "npz", "parquet"]);
        assert!(e.unwrap_err().to_string().contains(".csv, .npz, .parquet"));
        let missing = dir.path().join("no/such/dir/r.json");
        let e = check_destination(&missing, "--json", &["json"]).unwrap_err();
        assert!(e.to_string().contains("does not exist"), "{e}");
        let e = check_destination(dir.path(), "-o", &[]).unwrap_err();
        assert!(e.to_string().contains("directory"), "{e}");
        assert!(check_distinct(&[("--json", &ok), ("--per-sample", &ok)]).is_err());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
