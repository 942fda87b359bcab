//! `interplay report --figures DIR --png`: PNG copies of the SVG figures, drawn by
//! librsvg's `rsvg-convert` (Debian: `librsvg2-bin`).
//!
//! The library draws SVG only: plotters' bitmap backend needs a font stack (a font
//! rasteriser and a font file) that would also change how the SVG text is laid
//! out, and a vendored font. An SVG renderer that is already on most desktops does
//! the job honestly instead, and its absence is reported before any work starts.

use std::io::Write as _;
use std::process::{Command, Stdio};

use super::UsageError;

/// The rasteriser's command.
const TOOL: &str = "rsvg-convert";

/// Fail early, with what to install, when `rsvg-convert` cannot run.
pub fn check_available() -> anyhow::Result<()> {
    match Command::new(TOOL).arg("--version").output() {
        Ok(out) if out.status.success() => Ok(()),
        _ => Err(UsageError(format!(
            "--png needs {TOOL} (librsvg; Debian/Ubuntu: apt-get install librsvg2-bin), which was not found"
        ))
        .into()),
    }
}

/// The PNG of `svg`, at the SVG's own size.
pub fn png(svg: &str) -> anyhow::Result<Vec<u8>> {
    let mut child = Command::new(TOOL)
        .args(["--format", "png"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| anyhow::anyhow!("running {TOOL}: {e}"))?;
    // Write from a thread so a large image cannot block on a full stdout pipe.
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input = svg.to_string();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output()?;
    writer
        .join()
        .map_err(|_| anyhow::anyhow!("writing to {TOOL} failed"))??;
    if !out.status.success() || !out.stdout.starts_with(b"\x89PNG") {
        anyhow::bail!(
            "{TOOL} could not convert a figure: {}",
            String::from_utf8_lossy(&out.stderr).trim()
        );
    }
    Ok(out.stdout)
}
