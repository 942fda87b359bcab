//! Small models with known interaction structure, shared by the score tests.

use interplay::model::{Model, OutputKind};
use interplay::Result;
use ndarray::{Array2, ArrayView2};

/// Two one-dimensional modalities; class 1 when the signs of x1 and x2 agree
/// (logit 5·x1·x2): a pure cross-modal interaction.
pub struct SignXor;

impl Model for SignXor {
    fn input_dims(&self) -> Vec<usize> {
        vec![1, 1]
    }
    fn n_classes(&self) -> usize {
        2
    }
    fn output_kind(&self) -> OutputKind {
        OutputKind::Logits
    }
    fn forward(&self, x: &[ArrayView2<'_, f32>]) -> Result<Array2<f32>> {
        Ok(Array2::from_shape_fn((x[0].nrows(), 2), |(i, c)| {
            if c == 1 {
                5.0 * x[0][[i, 0]] * x[1][[i, 0]]
            } else {
                0.0
            }
        }))
    }
}
