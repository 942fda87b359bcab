//! One affine layer `y = x·Wᵀ + b` over a slice of a flat parameter vector.

use super::gemm::sgemm;
use rand::Rng;

/// An affine layer whose parameters live at `offset` in a flat vector, laid out as
/// PyTorch's `nn.Linear` (`weight` is `[fan_out][fan_in]` row-major, then `bias`),
/// so weights can be exchanged with PyTorch-trained models unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Dense {
    /// Input width.
    pub fan_in: usize,
    /// Output width.
    pub fan_out: usize,
    /// Index of the first weight in the flat parameter vector.
    pub offset: usize,
}

impl Dense {
    /// Number of parameters (weights and biases).
    pub fn n_params(&self) -> usize {
        self.fan_out * (self.fan_in + 1)
    }

    /// The weight matrix, `[fan_out][fan_in]` row-major.
    pub fn weight<'a>(&self, params: &'a [f32]) -> &'a [f32] {
        &params[self.offset..self.offset + self.fan_in * self.fan_out]
    }

    /// The bias vector.
    pub fn bias<'a>(&self, params: &'a [f32]) -> &'a [f32] {
        let start = self.offset + self.fan_in * self.fan_out;
        &params[start..start + self.fan_out]
    }

    /// PyTorch's default initialisation: weights and biases ~ U(−1/√fan_in, 1/√fan_in).
    pub fn init(&self, params: &mut [f32], rng: &mut impl Rng) {
        let bound = 1.0 / (self.fan_in.max(1) as f32).sqrt();
        for p in &mut params[self.offset..self.offset + self.n_params()] {
            *p = rng.gen_range(-bound..bound);
        }
    }

    /// `out[batch×fan_out] = x[batch×fan_in]·Wᵀ + b`.
    pub fn forward(&self, params: &[f32], x: &[f32], batch: usize, out: &mut [f32]) {
        let out = &mut out[..batch * self.fan_out];
        let bias = self.bias(params);
        for row in out.chunks_exact_mut(self.fan_out) {
            row.copy_from_slice(bias);
        }
        sgemm(
            batch,
            self.fan_in,
            self.fan_out,
            x,
            false,
            self.weight(params),
            true,
            1.0,
            out,
        );
    }

    /// Given `delta = ∂L/∂out` for the batch, write `∂L/∂W` and `∂L/∂b` into this
    /// layer's slot of `grads` (overwriting), and `∂L/∂x` into `d_input` if given.
    pub fn backward(
        &self,
        params: &[f32],
        x: &[f32],
        delta: &[f32],
        batch: usize,
        grads: &mut [f32],
        d_input: Option<&mut [f32]>,
    ) {
        let (fi, fo) = (self.fan_in, self.fan_out);
        let g = &mut grads[self.offset..self.offset + self.n_params()];
        let (gw, gb) = g.split_at_mut(fi * fo);
        // ∂L/∂W[fo×fi] = deltaᵀ[fo×batch] · x[batch×fi]
        sgemm(fo, batch, fi, delta, true, x, false, 0.0, gw);
        gb.fill(0.0);
        for row in delta[..batch * fo].chunks_exact(fo) {
            gb.iter_mut().zip(row).for_each(|(b, &d)| *b += d);
        }
        if let Some(dx) = d_input {
            // ∂L/∂x[batch×fi] = delta[batch×fo] · W[fo×fi]
            sgemm(
                batch,
                fo,
                fi,
                delta,
                false,
                self.weight(params),
                false,
                0.0,
                dx,
            );
        }
    }
}
