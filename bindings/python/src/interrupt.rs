//! Ctrl-C while the library works.
//!
//! Python runs signal handlers only on its main thread, and only when that thread
//! asks. So the work runs on a helper thread while the calling (main) thread waits
//! in short slices with the GIL released, and between slices checks for pending
//! signals. On KeyboardInterrupt it raises a stop flag that the library polls
//! between epochs and batches ([`Progress::check`]), waits for the worker to
//! return, and re-raises the KeyboardInterrupt: the call ends within one batch.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::time::Duration;

use interplay::progress::Progress;
use pyo3::prelude::*;

use crate::errors::no_panic;

/// How often the main thread looks for signals.
const POLL: Duration = Duration::from_millis(50);

/// A [`Progress`] that reports nothing and stops when asked.
#[derive(Debug, Default)]
pub struct StopFlag(AtomicBool);

impl Progress for StopFlag {
    fn start(&self, _stage: &str, _total: u64) {}
    fn advance(&self, _n: u64) {}
    fn finish(&self) {}
    fn check(&self) -> interplay::Result<()> {
        if self.0.load(Ordering::Relaxed) {
            Err(interplay::Error::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// Run `work` (which receives the stop flag as its progress) so that Ctrl-C
/// interrupts it; panics become `RuntimeError`.
pub fn run<T: Send>(
    py: Python<'_>,
    work: impl FnOnce(&StopFlag) -> PyResult<T> + Send,
) -> PyResult<T> {
    let stop = StopFlag::default();
    std::thread::scope(|scope| {
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let stop_ref = &stop;
        let worker = scope.spawn(move || {
            let out = no_panic(|| work(stop_ref));
            let _ = done_tx.send(());
            out
        });
        let mut interrupt = None;
        let mut done_rx = done_rx;
        loop {
            // The receiver moves into the GIL-free closure and back (it is Send,
            // not Sync).
            let (finished, rx) = py.allow_threads(move || {
                let got = done_rx.recv_timeout(POLL);
                (
                    !matches!(got, Err(mpsc::RecvTimeoutError::Timeout)),
                    done_rx,
                )
            });
            done_rx = rx;
            if finished {
                break;
            }
            if interrupt.is_none() {
                if let Err(e) = py.check_signals() {
                    stop.0.store(true, Ordering::Relaxed);
                    interrupt = Some(e);
                }
            }
        }
        let out = worker.join().unwrap_or_else(|_| {
            Err(pyo3::exceptions::PyRuntimeError::new_err(
                "internal error in interplay: the worker thread panicked",
            ))
        });
        match interrupt {
            Some(e) => Err(e),
            None => out,
        }
    })
}

/// Like [`run`] for work that owns its inputs and cannot poll a stop flag (the
/// BROJA solvers): on Ctrl-C the KeyboardInterrupt is raised at once and the
/// worker finishes in the background, its result dropped.
pub fn run_detached<T: Send + 'static>(
    py: Python<'_>,
    work: impl FnOnce() -> PyResult<T> + Send + 'static,
) -> PyResult<T> {
    let (tx, rx) = mpsc::channel::<PyResult<T>>();
    std::thread::spawn(move || {
        let _ = tx.send(no_panic(work));
    });
    let mut rx = rx;
    loop {
        let (got, back) = py.allow_threads(move || (rx.recv_timeout(POLL), rx));
        rx = back;
        match got {
            Ok(out) => return out,
            Err(mpsc::RecvTimeoutError::Timeout) => py.check_signals()?,
            Err(mpsc::RecvTimeoutError::Disconnected) => {
                return Err(pyo3::exceptions::PyRuntimeError::new_err(
                    "internal error in interplay: the worker thread ended without a result",
                ))
            }
        }
    }
}
