//! Element-wise activations. Each one's derivative is expressed through its output,
//! so the forward pass only has to keep post-activation buffers.

use serde::{Deserialize, Serialize};

/// The non-linearity applied between layers of an [`crate::nn::Mlp`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// max(0, x): PyTorch's default for the LSMI discriminators.
    #[default]
    Relu,
    /// tanh(x).
    Tanh,
    /// No non-linearity (a purely affine stack).
    Identity,
}

impl Activation {
    /// Apply in place.
    pub fn apply(self, v: &mut [f32]) {
        match self {
            Activation::Relu => v.iter_mut().for_each(|x| *x = x.max(0.0)),
            Activation::Tanh => v.iter_mut().for_each(|x| *x = x.tanh()),
            Activation::Identity => {}
        }
    }

    /// Multiply `delta` by the derivative, given the activation's `output`.
    pub fn backprop(self, output: &[f32], delta: &mut [f32]) {
        match self {
            Activation::Relu => delta.iter_mut().zip(output).for_each(|(d, &y)| {
                if y <= 0.0 {
                    *d = 0.0
                }
            }),
            Activation::Tanh => delta
                .iter_mut()
                .zip(output)
                .for_each(|(d, &y)| *d *= 1.0 - y * y),
            Activation::Identity => {}
        }
    }
}
