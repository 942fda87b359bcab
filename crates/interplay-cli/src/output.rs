//! Writing results: JSON files, per-sample tables and models as one transaction,
//! and plain tables on stdout.
//!
//! Every command plans its output files with [`Outputs::plan`] before it reads
//! any data, so a bad destination fails at once; results are staged beside their
//! destinations and [`Outputs::commit`] renames them into place only after the
//! whole run succeeded. A failed run leaves every existing file byte-identical.

use interplay::output::{check_destination, check_distinct, Staging};
use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};

/// One output flag: its name, the path given (if any) and the extensions it
/// accepts (empty: any, e.g. a data file whose format is checked elsewhere).
pub type Planned<'a> = (&'a str, Option<&'a Path>, &'a [&'a str]);

/// The output files of one run.
#[derive(Debug, Default)]
pub struct Outputs {
    staging: Staging,
}

impl Outputs {
    /// Check every destination (folder exists and is writable, extension known,
    /// no path named twice) before any work starts.
    pub fn plan(planned: &[Planned<'_>]) -> anyhow::Result<Outputs> {
        let given: Vec<(&str, &Path)> = planned
            .iter()
            .filter_map(|&(flag, path, _)| path.map(|p| (flag, p)))
            .collect();
        check_distinct(&given)?;
        for &(flag, path, extensions) in planned {
            if let Some(path) = path {
                check_destination(path, flag, extensions)?;
            }
        }
        Ok(Outputs::default())
    }

    /// Stage `value` as pretty JSON for `path`.
    pub fn json(&mut self, path: &Path, value: &impl serde::Serialize) -> anyhow::Result<()> {
        let text = serde_json::to_string_pretty(value)? + "\n";
        self.staging.write_bytes(path, text.as_bytes())?;
        Ok(())
    }

    /// The staging area, for writers that take one (per-sample tables, data).
    pub fn staging(&mut self) -> &mut Staging {
        &mut self.staging
    }

    /// Rename every staged file into place.
    pub fn commit(self) -> anyhow::Result<()> {
        self.staging.commit()?;
        Ok(())
    }
}

/// Set once stdout has been closed by the reader (`interplay ... | head -1`).
static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

/// Print a line on stdout. A closed pipe is not an error: the rest of the output
/// is dropped and the run goes on to write its files and exit 0. Other write
/// failures (a full disk behind a redirect) are remembered for [`stdout_error`].
pub fn print_line(args: std::fmt::Arguments<'_>) {
    if STDOUT_CLOSED.load(Ordering::Relaxed) {
        return;
    }
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{args}").and_then(|()| out.flush()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            STDOUT_FAILED.store(true, Ordering::Relaxed);
        }
        STDOUT_CLOSED.store(true, Ordering::Relaxed);
    }
}

static STDOUT_FAILED: AtomicBool = AtomicBool::new(false);

/// Whether writing to stdout failed for a reason other than a closed pipe.
pub fn stdout_error() -> bool {
    STDOUT_FAILED.load(Ordering::Relaxed)
}

/// `println!` that survives a closed stdout (see [`print_line`]).
#[macro_export]
macro_rules! say {
    ($($arg:tt)*) => {
        $crate::output::print_line(format_args!($($arg)*))
    };
}

/// A left-aligned text table with a header row and a rule, columns padded to
/// their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let line = |cells: &mut dyn Iterator<Item = &str>| {
        cells
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_string()
    };
    let mut lines = vec![line(&mut header.iter().copied())];
    lines.push(
        widths
            .iter()
            .map(|w| "-".repeat(*w))
            .collect::<Vec<_>>()
            .join("  "),
    );
    for row in rows {
        lines.push(line(&mut row.iter().map(String::as_str)));
    }
    lines.join("\n")
}

/// The one line under a table that says what its `[lo, hi]` brackets are
/// (level and method stated once, not per cell).
pub fn interval_note(i: &interplay::uncertainty::Interval) -> String {
    format!(
        "[lo, hi]: {} % intervals, {} ({})",
        100.0 * i.level,
        i.method.describe(),
        i.method.name()
    )
}

/// Print every warning of a report on stderr, one `warning: …` line each, so
/// that they reach the user even when stdout is piped into a file or a parser.
pub fn warn_all(warnings: &[String]) {
    for w in warnings {
        eprintln!("warning: {w}");
    }
}
