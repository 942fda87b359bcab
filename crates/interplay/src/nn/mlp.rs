//! A multilayer perceptron over a flat parameter vector, with explicit buffers.

use super::{Activation, Dense};
use crate::{Error, Result};
use ndarray::{s, Array2, ArrayView2};
use rand::Rng;

/// A stack of [`Dense`] layers `widths[0] → widths[1] → … → widths[L]` with an
/// activation after every layer but the last (and after the last too if
/// `activate_output`, so an MLP can serve as a feature branch).
///
/// The network holds no parameters itself: they are a flat `&[f32]` of length
/// [`Mlp::n_params`], so the optimiser, serialisation and several networks sharing
/// one vector (branches and a head) need no extra plumbing.
#[derive(Debug, Clone, PartialEq)]
pub struct Mlp {
    layers: Vec<Dense>,
    activation: Activation,
    activate_output: bool,
}

/// Buffers reused across batches: the input and every layer's output are kept by
/// `forward` for `backward`; sized for the largest batch seen.
#[derive(Debug, Clone, Default)]
pub struct MlpWorkspace {
    /// `acts[0]` is the input, `acts[l + 1]` the (activated) output of layer `l`.
    acts: Vec<Vec<f32>>,
    delta: Vec<f32>,
    delta_next: Vec<f32>,
    batch: usize,
}

impl Mlp {
    /// An MLP with the given layer widths (input first, output last), whose
    /// parameters start at index 0 of the flat vector.
    pub fn new(widths: &[usize], activation: Activation, activate_output: bool) -> Result<Self> {
        Self::with_offset(widths, activation, activate_output, 0)
    }

    /// Like [`Mlp::new`], with the parameters starting at `offset`, so several
    /// networks can share one flat parameter vector.
    pub fn with_offset(
        widths: &[usize],
        activation: Activation,
        activate_output: bool,
        offset: usize,
    ) -> Result<Self> {
        if widths.len() < 2 || widths.contains(&0) {
            return Err(Error::invalid(format!(
                "an MLP needs at least two non-zero widths, got {widths:?}"
            )));
        }
        let mut layers = Vec::with_capacity(widths.len() - 1);
        let mut at = offset;
        for w in widths.windows(2) {
            let layer = Dense {
                fan_in: w[0],
                fan_out: w[1],
                offset: at,
            };
            at += layer.n_params();
            layers.push(layer);
        }
        Ok(Mlp {
            layers,
            activation,
            activate_output,
        })
    }

    /// The layers, in order.
    pub fn layers(&self) -> &[Dense] {
        &self.layers
    }

    /// Input width.
    pub fn input_dim(&self) -> usize {
        self.layers[0].fan_in
    }

    /// Output width.
    pub fn output_dim(&self) -> usize {
        self.layers[self.layers.len() - 1].fan_out
    }

    /// Index of the first parameter in the flat vector.
    pub fn offset(&self) -> usize {
        self.layers[0].offset
    }

    /// Number of parameters of this network (its slice of the flat vector).
    pub fn n_params(&self) -> usize {
        self.layers.iter().map(Dense::n_params).sum()
    }

    /// One past the last parameter index: the length a flat vector needs.
    pub fn end(&self) -> usize {
        self.offset() + self.n_params()
    }

    /// Fresh parameters (a vector of length [`Mlp::end`]) with PyTorch's default init.
    pub fn init(&self, rng: &mut impl Rng) -> Vec<f32> {
        let mut params = vec![0.0; self.end()];
        self.init_into(&mut params, rng);
        params
    }

    /// PyTorch's default init of this network's slice, layer by layer.
    pub fn init_into(&self, params: &mut [f32], rng: &mut impl Rng) {
        for layer in &self.layers {
            layer.init(params, rng);
        }
    }

    fn activated(&self, layer: usize) -> bool {
        layer + 1 < self.layers.len() || self.activate_output
    }

    /// Forward a batch (`batch × input_dim`, row-major) and return the outputs
    /// (`batch × output_dim`), which stay valid until the workspace is used again.
    pub fn forward<'w>(
        &self,
        params: &[f32],
        input: &[f32],
        batch: usize,
        ws: &'w mut MlpWorkspace,
    ) -> &'w [f32] {
        assert_eq!(input.len(), batch * self.input_dim(), "input shape");
        ws.acts.resize_with(self.layers.len() + 1, Vec::new);
        ws.batch = batch;
        ws.acts[0].clear();
        ws.acts[0].extend_from_slice(input);
        for (l, layer) in self.layers.iter().enumerate() {
            let (done, rest) = ws.acts.split_at_mut(l + 1);
            let out = &mut rest[0];
            out.resize(batch * layer.fan_out, 0.0);
            layer.forward(params, &done[l], batch, out);
            if self.activated(l) {
                self.activation.apply(out);
            }
        }
        &ws.acts[self.layers.len()]
    }

    /// Backpropagate `d_output = ∂L/∂output` of the last [`Mlp::forward`] batch:
    /// writes this network's parameter gradients into its slot of `grads`
    /// (overwriting; other slots are untouched) and, if `d_input` is given,
    /// `∂L/∂input` (`batch × input_dim`) there.
    pub fn backward(
        &self,
        params: &[f32],
        ws: &mut MlpWorkspace,
        d_output: &[f32],
        grads: &mut [f32],
        mut d_input: Option<&mut [f32]>,
    ) {
        let batch = ws.batch;
        assert_eq!(d_output.len(), batch * self.output_dim(), "gradient shape");
        ws.delta.clear();
        ws.delta.extend_from_slice(d_output);
        for (l, layer) in self.layers.iter().enumerate().rev() {
            if self.activated(l) {
                self.activation.backprop(&ws.acts[l + 1], &mut ws.delta);
            }
            if l > 0 {
                ws.delta_next.resize(batch * layer.fan_in, 0.0);
                layer.backward(
                    params,
                    &ws.acts[l],
                    &ws.delta,
                    batch,
                    grads,
                    Some(ws.delta_next.as_mut_slice()),
                );
                std::mem::swap(&mut ws.delta, &mut ws.delta_next);
            } else {
                layer.backward(
                    params,
                    &ws.acts[0],
                    &ws.delta,
                    batch,
                    grads,
                    d_input.as_deref_mut(),
                );
            }
        }
    }

    /// Outputs for every row of `x`, computed in chunks (no gradients kept).
    pub fn predict(&self, params: &[f32], x: ArrayView2<'_, f32>) -> Result<Array2<f32>> {
        if x.ncols() != self.input_dim() {
            return Err(Error::invalid(format!(
                "input has {} columns, the network expects {}",
                x.ncols(),
                self.input_dim()
            )));
        }
        let n = x.nrows();
        let mut out = Vec::with_capacity(n * self.output_dim());
        let mut ws = MlpWorkspace::default();
        let mut buf = Vec::new();
        let chunk = 1024;
        let mut start = 0;
        while start < n {
            let end = (start + chunk).min(n);
            buf.clear();
            for row in x.slice(s![start..end, ..]).rows() {
                buf.extend(row.iter().copied());
            }
            out.extend_from_slice(self.forward(params, &buf, end - start, &mut ws));
            start = end;
        }
        Array2::from_shape_vec((n, self.output_dim()), out)
            .map_err(|e| Error::Numerical(e.to_string()))
    }
}
