//! Models to explain. Everything that scores models (InterSHAP, EMAP, SHAPE, the
//! "PID of a model") talks to a [`Model`]: a function from one batch of every
//! modality to class scores. Built-in fusion networks, ONNX files and Python
//! callables all implement it.
//!
//! ONNX support ([`onnx`], [`OnnxModel`]) needs the `onnx` feature (on by default).

pub mod eval;
pub mod fusion;
pub mod guard;
pub mod load;
#[cfg(feature = "onnx")]
pub mod onnx;

pub use guard::{check_output, checked_forward};
pub use load::{load, LoadOptions};
#[cfg(feature = "onnx")]
pub use onnx::OnnxModel;

use ndarray::{Array2, ArrayView2};

use crate::Result;

/// What a model's output rows are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputKind {
    /// Unnormalised class scores; a softmax turns them into probabilities (the
    /// default).
    #[default]
    Logits,
    /// Class probabilities (rows sum to 1).
    Probabilities,
}

impl OutputKind {
    /// The name on the command line and in Python (`logits`, `probabilities`).
    pub fn name(self) -> &'static str {
        match self {
            OutputKind::Logits => "logits",
            OutputKind::Probabilities => "probabilities",
        }
    }
}

impl std::str::FromStr for OutputKind {
    type Err = crate::Error;
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "logits" => Ok(OutputKind::Logits),
            "probabilities" | "probability" | "probs" => Ok(OutputKind::Probabilities),
            _ => Err(crate::params::unknown(
                "model output",
                text,
                &["logits", "probabilities"],
            )),
        }
    }
}

impl std::fmt::Display for OutputKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A classifier over M modalities.
///
/// `forward` receives one `B × d_m` view per modality, with the same B rows, and
/// returns a `B × C` matrix whose kind is given by [`Model::output_kind`].
/// Implementations must be deterministic and safe to call from several threads.
pub trait Model: Send + Sync {
    /// Feature width of each modality, in order.
    fn input_dims(&self) -> Vec<usize>;
    /// Number of classes C.
    fn n_classes(&self) -> usize;
    /// Whether [`Model::forward`] returns logits or probabilities.
    fn output_kind(&self) -> OutputKind;
    /// Class scores for a batch of rows. Callers go through
    /// [`checked_forward`], which checks the shape and values of the result.
    fn forward(&self, inputs: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>>;
    /// What error messages call the model ("ONNX model m.onnx", ...).
    fn name(&self) -> String {
        "the model".into()
    }
}

/// Row-wise softmax in f64, by log-sum-exp so that large logits do not overflow.
pub fn softmax_rows(logits: &Array2<f32>) -> Array2<f32> {
    let mut out = logits.clone();
    for mut row in out.rows_mut() {
        let max = row.iter().fold(f32::NEG_INFINITY, |a, &b| a.max(b));
        let lse = f64::from(max)
            + row
                .iter()
                .map(|&v| (f64::from(v) - f64::from(max)).exp())
                .sum::<f64>()
                .ln();
        row.mapv_inplace(|v| (f64::from(v) - lse).exp() as f32);
    }
    out
}

/// Class probabilities from a model's raw output, whatever its [`OutputKind`].
pub fn probabilities(kind: OutputKind, output: Array2<f32>) -> Array2<f32> {
    match kind {
        OutputKind::Logits => softmax_rows(&output),
        OutputKind::Probabilities => output,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_is_stable_for_huge_logits() {
        let l = ndarray::array![[1000.0f32, -1000.0], [0.0, 0.0]];
        let p = softmax_rows(&l);
        assert!((p[[0, 0]] - 1.0).abs() < 1e-7 && p[[0, 1]] >= 0.0);
        assert!((p[[1, 0]] - 0.5).abs() < 1e-7);
    }
}
