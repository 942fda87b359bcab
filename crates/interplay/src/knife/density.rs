//! The KNIFE marginal density, its negative log-likelihood and gradient.

use crate::nn::dgemm;
use crate::{Error, Result};
use ndarray::{s, ArrayView2};

const LOG_2PI: f64 = 1.837_877_066_409_345_5;
/// Guard added to the scales inside their log, as in the original code.
const SCALE_GUARD: f64 = 1e-8;

/// A fitted (or hand-specified) KNIFE density in dimension `dim` with `k` components.
///
/// Parameters live in one flat f64 vector (so Adam can update them in place), in the
/// order: means `[k][dim]`, log-scales `a` `[k][dim]`, coupling `T` `[k][dim][dim]`
/// (only the strictly lower triangle is used, the rest is ignored and gets zero
/// gradient), weight logits `[k]`. Component `k` is the Gaussian with
/// `z = (I + L_k)·diag(s_k)·(x − μ_k) ~ N(0, I)`, `s_k = exp(tanh a_k)` (or `exp a_k`
/// without tanh), so it integrates to one by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct Knife {
    dim: usize,
    k: usize,
    use_tanh: bool,
    params: Vec<f64>,
}

/// Buffers for batched evaluation, reused across batches.
#[derive(Debug, Clone, Default)]
pub struct KnifeWorkspace {
    diff: Vec<f64>,
    zs: Vec<f64>,
    z: Vec<f64>,
    log_joint: Vec<f64>,
    lower: Vec<f64>,
    scales: Vec<f64>,
    g: Vec<f64>,
    gzs: Vec<f64>,
    gl: Vec<f64>,
}

impl Knife {
    /// Build from explicit parameters (for tests and for loading a fitted density).
    /// `coupling` is the full `[k][dim][dim]` array; its diagonal and upper
    /// triangle are ignored.
    pub fn from_parts(
        dim: usize,
        means: &[f64],
        log_scales: &[f64],
        coupling: &[f64],
        weight_logits: &[f64],
        use_tanh: bool,
    ) -> Result<Self> {
        let k = weight_logits.len();
        if dim == 0 || k == 0 {
            return Err(Error::invalid(
                "KNIFE needs dim ≥ 1 and at least one component",
            ));
        }
        if means.len() != k * dim || log_scales.len() != k * dim || coupling.len() != k * dim * dim
        {
            return Err(Error::invalid(format!(
                "KNIFE parameter shapes do not fit k = {k}, dim = {dim}"
            )));
        }
        let mut params = Vec::with_capacity(Self::n_params_for(dim, k));
        params.extend_from_slice(means);
        params.extend_from_slice(log_scales);
        params.extend_from_slice(coupling);
        params.extend_from_slice(weight_logits);
        if params.iter().any(|v| !v.is_finite()) {
            return Err(Error::invalid("KNIFE parameters must be finite"));
        }
        Ok(Knife {
            dim,
            k,
            use_tanh,
            params,
        })
    }

    /// Parameter count for dimension `dim` and `k` components.
    pub fn n_params_for(dim: usize, k: usize) -> usize {
        k * (2 * dim + dim * dim + 1)
    }

    /// Dimension of the modelled variable.
    pub fn dim(&self) -> usize {
        self.dim
    }

    /// Number of mixture components.
    pub fn components(&self) -> usize {
        self.k
    }

    /// Whether scales are bounded to `[1/e, e]` by a tanh.
    pub fn use_tanh(&self) -> bool {
        self.use_tanh
    }

    /// The flat parameter vector.
    pub fn params(&self) -> &[f64] {
        &self.params
    }

    /// The flat parameter vector, for optimisers.
    pub fn params_mut(&mut self) -> &mut [f64] {
        &mut self.params
    }

    fn ranges(&self) -> [std::ops::Range<usize>; 4] {
        let (k, d) = (self.k, self.dim);
        let a0 = k * d;
        let t0 = 2 * k * d;
        let w0 = t0 + k * d * d;
        [0..a0, a0..t0, t0..w0, w0..w0 + k]
    }

    /// Fill `ws.scales` (s = exp(tanh a)) and `ws.lower` (strictly lower parts of T).
    fn prepare(&self, ws: &mut KnifeWorkspace) {
        let [_, ar, tr, _] = self.ranges();
        let d = self.dim;
        ws.scales.clear();
        ws.scales.extend(self.params[ar].iter().map(|&a| {
            if self.use_tanh {
                a.tanh().exp()
            } else {
                a.exp()
            }
        }));
        ws.lower.clear();
        ws.lower.extend_from_slice(&self.params[tr]);
        for block in ws.lower.chunks_exact_mut(d * d) {
            for i in 0..d {
                for j in i..d {
                    block[i * d + j] = 0.0;
                }
            }
        }
    }

    /// Forward pass over a row-major batch: fills per-component `diff`, `zs`, `z`
    /// and `log_joint[b][k] = log π_k + log N_k(x_b)`; returns nothing.
    fn forward(&self, x: &[f64], batch: usize, ws: &mut KnifeWorkspace) {
        let (k, d) = (self.k, self.dim);
        self.prepare(ws);
        let [mr, _, _, wr] = self.ranges();
        let means = &self.params[mr];
        let logits = &self.params[wr];
        let lmax = logits.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let lse = lmax + logits.iter().map(|&v| (v - lmax).exp()).sum::<f64>().ln();
        let bd = batch * d;
        ws.diff.resize(k * bd, 0.0);
        ws.zs.resize(k * bd, 0.0);
        ws.z.resize(k * bd, 0.0);
        ws.log_joint.resize(batch * k, 0.0);
        for c in 0..k {
            let mu = &means[c * d..(c + 1) * d];
            let sc = &ws.scales[c * d..(c + 1) * d];
            let diff = &mut ws.diff[c * bd..(c + 1) * bd];
            let zs = &mut ws.zs[c * bd..(c + 1) * bd];
            for ((drow, zrow), xrow) in diff
                .chunks_exact_mut(d)
                .zip(zs.chunks_exact_mut(d))
                .zip(x.chunks_exact(d))
            {
                for j in 0..d {
                    drow[j] = xrow[j] - mu[j];
                    zrow[j] = drow[j] * sc[j];
                }
            }
            let z = &mut ws.z[c * bd..(c + 1) * bd];
            z.copy_from_slice(zs);
            if d > 1 {
                let lower = &ws.lower[c * d * d..(c + 1) * d * d];
                // z = zs + zs·Lᵀ
                dgemm(batch, d, d, zs, false, lower, true, 1.0, z);
            }
            let log_det: f64 = sc.iter().map(|&v| (v.abs() + SCALE_GUARD).ln()).sum();
            let base = logits[c] - lse - 0.5 * d as f64 * LOG_2PI + log_det;
            for (b, zrow) in z.chunks_exact(d).enumerate() {
                let sq: f64 = zrow.iter().map(|v| v * v).sum();
                ws.log_joint[b * k + c] = base - 0.5 * sq;
            }
        }
    }

    /// Per-row log-sum-exp of `log_joint`; turns each row into responsibilities.
    fn log_density_and_responsibilities(&self, batch: usize, ws: &mut KnifeWorkspace) -> Vec<f64> {
        let k = self.k;
        let mut out = Vec::with_capacity(batch);
        for row in ws.log_joint[..batch * k].chunks_exact_mut(k) {
            let m = row.iter().fold(f64::NEG_INFINITY, |a, &v| a.max(v));
            let sum: f64 = row.iter().map(|&v| (v - m).exp()).sum();
            let lse = m + sum.ln();
            row.iter_mut().for_each(|v| *v = (*v - lse).exp());
            out.push(lse);
        }
        out
    }

    /// log p̂(x) for a row-major batch of `batch` rows.
    pub fn log_density_batch(&self, x: &[f64], batch: usize, ws: &mut KnifeWorkspace) -> Vec<f64> {
        self.forward(x, batch, ws);
        self.log_density_and_responsibilities(batch, ws)
    }

    /// log p̂(x) (nats) for every row of `x`.
    pub fn log_density(&self, x: ArrayView2<'_, f64>) -> Result<Vec<f64>> {
        self.check_cols(x.ncols())?;
        let mut ws = KnifeWorkspace::default();
        let mut out = Vec::with_capacity(x.nrows());
        let mut buf = Vec::new();
        let n = x.nrows();
        let mut start = 0;
        while start < n {
            let end = (start + 1024).min(n);
            buf.clear();
            buf.extend(x.slice(s![start..end, ..]).iter().copied());
            out.extend(self.log_density_batch(&buf, end - start, &mut ws));
            start = end;
        }
        Ok(out)
    }

    /// Per-sample entropy estimates ĥ(x) = −log p̂(x) (nats) for f32 data.
    pub fn pointwise_entropy(&self, x: ArrayView2<'_, f32>) -> Result<Vec<f64>> {
        let x64 = x.mapv(f64::from);
        Ok(self
            .log_density(x64.view())?
            .into_iter()
            .map(|v| -v)
            .collect())
    }

    fn check_cols(&self, cols: usize) -> Result<()> {
        if cols != self.dim {
            return Err(Error::invalid(format!(
                "data has {cols} columns, the density has dimension {}",
                self.dim
            )));
        }
        Ok(())
    }

    /// Mean negative log-likelihood of a row-major batch, and its gradient with
    /// respect to the flat parameters (written into `grad`, overwriting).
    pub fn nll_and_grad(
        &self,
        x: &[f64],
        batch: usize,
        grad: &mut [f64],
        ws: &mut KnifeWorkspace,
    ) -> f64 {
        let (k, d) = (self.k, self.dim);
        assert_eq!(grad.len(), self.params.len(), "gradient length");
        self.forward(x, batch, ws);
        let logp = self.log_density_and_responsibilities(batch, ws);
        let inv_b = 1.0 / batch as f64;
        let nll = -logp.iter().sum::<f64>() * inv_b;
        grad.fill(0.0);
        let [mr, ar, tr, wr] = self.ranges();
        let bd = batch * d;
        ws.g.resize(bd, 0.0);
        ws.gzs.resize(bd, 0.0);
        ws.gl.resize(d * d, 0.0);
        // Weight logits: ∂/∂w_c = π_c − mean_b γ_bc.
        let logits = &self.params[wr.clone()];
        let lmax = logits.iter().fold(f64::NEG_INFINITY, |m, &v| m.max(v));
        let denom: f64 = logits.iter().map(|&v| (v - lmax).exp()).sum();
        for c in 0..k {
            let gamma_sum: f64 = (0..batch).map(|b| ws.log_joint[b * k + c]).sum();
            let pi = (logits[c] - lmax).exp() / denom;
            grad[wr.start + c] = pi - gamma_sum * inv_b;
            // ∂L/∂z = γ/B · z
            let z = &ws.z[c * bd..(c + 1) * bd];
            for b in 0..batch {
                let w = ws.log_joint[b * k + c] * inv_b;
                for j in 0..d {
                    ws.g[b * d + j] = w * z[b * d + j];
                }
            }
            // ∂L/∂zs = G + G·L ; ∂L/∂L = Gᵀ·zs (strictly lower part).
            ws.gzs.copy_from_slice(&ws.g);
            let zs = &ws.zs[c * bd..(c + 1) * bd];
            if d > 1 {
                let lower = &ws.lower[c * d * d..(c + 1) * d * d];
                dgemm(batch, d, d, &ws.g, false, lower, false, 1.0, &mut ws.gzs);
                dgemm(d, batch, d, &ws.g, true, zs, false, 0.0, &mut ws.gl);
                let gt = &mut grad[tr.start + c * d * d..tr.start + (c + 1) * d * d];
                for i in 1..d {
                    for j in 0..i {
                        gt[i * d + j] = ws.gl[i * d + j];
                    }
                }
            }
            let diff = &ws.diff[c * bd..(c + 1) * bd];
            let sc = &ws.scales[c * d..(c + 1) * d];
            for j in 0..d {
                let mut ds = 0.0;
                let mut dmu = 0.0;
                for b in 0..batch {
                    let gz = ws.gzs[b * d + j];
                    ds += gz * diff[b * d + j];
                    dmu -= gz * sc[j];
                }
                // log-determinant term: −mean γ · 1/(s + guard)
                ds -= gamma_sum * inv_b / (sc[j].abs() + SCALE_GUARD);
                let a = self.params[ar.start + c * d + j];
                let da = if self.use_tanh {
                    let t = a.tanh();
                    ds * sc[j] * (1.0 - t * t)
                } else {
                    ds * sc[j]
                };
                grad[ar.start + c * d + j] = da;
                grad[mr.start + c * d + j] = dmu;
            }
        }
        nll
    }
}
