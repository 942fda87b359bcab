//! Progress reporting without printing: long-running estimators report to a
//! caller-supplied [`Progress`], and the command line draws it as a bar.

/// Receives progress from long-running work. Implementations must be cheap and
/// thread-safe, since workers may report from several threads.
pub trait Progress: Sync {
    /// A new stage begins with `total` units of work (epochs, batches, samples).
    fn start(&self, stage: &str, total: u64);
    /// `n` more units of the current stage are done.
    fn advance(&self, n: u64);
    /// The current stage is complete.
    fn finish(&self);
    /// Whether the caller wants the work to stop (Ctrl-C): estimators call this
    /// between epochs and batches and return [`crate::Error::Interrupted`] when it
    /// says so. The default never stops.
    fn check(&self) -> crate::Result<()> {
        Ok(())
    }
}

/// A [`Progress`] that ignores everything; the default for library callers.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn start(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
}
