//! BROJA by a path-following Newton method on the dual barrier problem.
//!
//! The primal minimises the positively homogeneous f(q) = Σ q·log(q(y|x1,x2))
//! over q ≥ 0 with fixed p(x1,y) and p(x2,y). Its conjugate is the indicator of
//! {s : logsumexp_y s(x1,x2,y) ≤ 0 for every cell}, so the dual is
//!
//! ```text
//! maximise  Σ p(x1,y)·α(x1,y) + Σ p(x2,y)·β(x2,y)
//! subject to g_c = logsumexp_{y ∈ c} (α(x1,y) + β(x2,y)) ≤ 0   for every cell c = (x1,x2)
//! ```
//!
//! with only (|X1|+|X2|)·|Y| variables. We follow the central path of
//! `−t·m·λ − Σ_c log(−g_c)`; at a centre the primal point
//! q_c(y) = softmax_c(y) / (t·(−g_c)) satisfies the marginals exactly and the
//! duality gap is (number of cells)/t. The Newton system has one dense block per
//! x1 value (|Y| wide) plus a dense Schur complement over the x2 variables, so
//! each step costs O(|X1|·(|X2|·|Y|)²) — formed with one matrix product.

use super::dense::{
    cholesky_blocked, cholesky_in_place, dot, solve_lower, solve_upper_transposed,
    syrk_lower_transposed,
};
use super::support::Support;
use super::RawSolution;

/// Settings of the Newton solver.
#[derive(Debug, Clone, Copy)]
pub struct NewtonSettings {
    /// Stop when the barrier's duality gap (cells / t) is below this, in nats.
    pub gap_tolerance: f64,
    /// Factor by which t grows between centring steps.
    pub t_growth: f64,
    /// Upper limit on the total number of Newton steps.
    pub max_newton_steps: usize,
}

impl Default for NewtonSettings {
    fn default() -> Self {
        NewtonSettings {
            gap_tolerance: 1e-9,
            t_growth: 50.0,
            max_newton_steps: 400,
        }
    }
}

/// Variable layout: α(a,y) for p(a,y) > 0, then β(b,y) for p(b,y) > 0 except one
/// gauge entry per label (shifting α(·,y) up and β(·,y) down changes nothing).
struct Layout {
    ny: usize,
    alpha: Vec<Option<usize>>,
    beta: Vec<Option<usize>>,
    n_alpha: usize,
    n_beta: usize,
    /// The dual objective's coefficients m = (p(x1,y), p(x2,y)) per variable.
    m: Vec<f64>,
    /// For each x1 value, its variables' global indices (its dense block).
    alpha_blocks: Vec<Vec<usize>>,
}

impl Layout {
    fn new(s: &Support) -> Layout {
        let [n1, n2, ny] = s.shape;
        let mut m = Vec::new();
        let mut alpha = vec![None; n1 * ny];
        let mut alpha_blocks = vec![Vec::new(); n1];
        for a in 0..n1 {
            for y in 0..ny {
                if s.p1[a * ny + y] > 0.0 {
                    alpha[a * ny + y] = Some(m.len());
                    alpha_blocks[a].push(m.len());
                    m.push(s.p1[a * ny + y]);
                }
            }
        }
        let n_alpha = m.len();
        let mut beta = vec![None; n2 * ny];
        for y in 0..ny {
            let mut gauge_taken = false;
            for b in 0..n2 {
                if s.p2[b * ny + y] > 0.0 {
                    if gauge_taken {
                        beta[b * ny + y] = Some(usize::MAX);
                    } else {
                        gauge_taken = true;
                    }
                }
            }
        }
        for (i, slot) in beta.iter_mut().enumerate() {
            if slot.is_some() {
                *slot = Some(m.len());
                m.push(s.p2[i]);
            }
        }
        let n_beta = m.len() - n_alpha;
        Layout {
            ny,
            alpha,
            beta,
            n_alpha,
            n_beta,
            m,
            alpha_blocks,
        }
    }
}

/// Per-cell softmax and weight w = 1/(−g) at the current dual point.
struct CellState {
    pi: Vec<f64>,
    w: Vec<f64>,
}

/// The barrier value −t·m·λ − Σ log(−g_c), or `None` outside the dual domain;
/// fills `state` when given.
fn barrier(
    s: &Support,
    lay: &Layout,
    lambda: &[f64],
    t: f64,
    mut state: Option<&mut CellState>,
) -> Option<f64> {
    let ny = lay.ny;
    let mut value = -t * lay.m.iter().zip(lambda).map(|(m, l)| m * l).sum::<f64>();
    let mut scores = [0.0f64; 64];
    let mut big = Vec::new();
    for (ci, c) in s.cells.iter().enumerate() {
        let k = c.labels.len();
        let buf: &mut [f64] = if k <= scores.len() {
            &mut scores[..k]
        } else {
            big.resize(k, 0.0);
            &mut big[..]
        };
        for (j, &y) in c.labels.iter().enumerate() {
            let al = lay.alpha[c.a * ny + y].map_or(0.0, |i| lambda[i]);
            let be = lay.beta[c.b * ny + y].map_or(0.0, |i| lambda[i]);
            buf[j] = al + be;
        }
        let max = buf.iter().fold(f64::NEG_INFINITY, |x, &v| x.max(v));
        let sum: f64 = buf.iter().map(|v| (v - max).exp()).sum();
        let g = max + sum.ln();
        if g.is_nan() || g >= 0.0 {
            return None;
        }
        value -= (-g).ln();
        if let Some(st) = state.as_deref_mut() {
            for (j, v) in buf.iter().enumerate() {
                st.pi[c.offset + j] = (v - max).exp() / sum;
            }
            st.w[ci] = 1.0 / (-g);
        }
    }
    Some(value)
}

/// Solve the BROJA program for the support `s`. Returns the flat q, the dual
/// lower bound on the optimal objective and the step count.
pub(crate) fn solve(s: &Support, settings: &NewtonSettings) -> RawSolution {
    let lay = Layout::new(s);
    let n = lay.n_alpha + lay.n_beta;
    let n_cells = s.cells.len() as f64;
    // Start where every cell has g = −1: α = −(1 + log|Y|), β = 0.
    let mut lambda = vec![0.0; n];
    lambda[..lay.n_alpha]
        .iter_mut()
        .for_each(|v| *v = -(1.0 + (lay.ny as f64).ln()));
    let mut t = n_cells.max(1.0);
    // Grow t by at most `t_growth` per stage, with equal factors so that the
    // last stage lands on the target gap instead of overshooting it.
    let t_final = n_cells.max(1.0) / settings.gap_tolerance;
    let stages = ((t_final / t).ln() / settings.t_growth.ln())
        .ceil()
        .max(1.0);
    let growth = (t_final / t).powf(1.0 / stages);
    let mut state = CellState {
        pi: vec![0.0; s.n_entries],
        w: vec![0.0; s.cells.len()],
    };
    let mut steps = 0;
    let mut work = NewtonWork::new(&lay);
    'outer: loop {
        // Centre for this t.
        let mut previous = f64::INFINITY;
        loop {
            if steps >= settings.max_newton_steps {
                break 'outer;
            }
            let Some(f0) = barrier(s, &lay, &lambda, t, Some(&mut state)) else {
                break 'outer;
            };
            let (grad, dir) = work.newton_direction(s, &lay, &state, t);
            steps += 1;
            let decrement = -dot(&grad, &dir);
            if !decrement.is_finite() {
                break 'outer;
            }
            // Centred: the decrement is tiny, or rounding noise stops it falling.
            if decrement <= 1e-12 || (decrement <= 1e-7 && decrement > 0.25 * previous) {
                break;
            }
            previous = decrement;
            let mut step = 1.0;
            let mut trial = vec![0.0; n];
            let accepted = loop {
                for i in 0..n {
                    trial[i] = lambda[i] + step * dir[i];
                }
                if let Some(f1) = barrier(s, &lay, &trial, t, None) {
                    // Near the centre a full Newton step is safe (self-concordance);
                    // its decrease would drown in the rounding of F there anyway.
                    if decrement < 0.1 || f1 <= f0 - 0.25 * step * decrement {
                        break true;
                    }
                }
                step *= 0.5;
                if step < 1e-10 {
                    break false;
                }
            };
            if !accepted || step < 1e-4 {
                // Rounding noise now dominates the barrier: late in the path this
                // is the precision floor (the certified gap says how good we are).
                if n_cells / t < 1e-6 {
                    break 'outer;
                }
                if !accepted {
                    break;
                }
            }
            std::mem::swap(&mut lambda, &mut trial);
        }
        if n_cells / t <= settings.gap_tolerance * (1.0 + 1e-9) {
            break;
        }
        t *= growth;
    }
    // Primal point of the last centre.
    if barrier(s, &lay, &lambda, t, Some(&mut state)).is_none() {
        return RawSolution::fallback(s, steps);
    }
    let mut q = vec![0.0; s.n_entries];
    for (ci, c) in s.cells.iter().enumerate() {
        for j in 0..c.labels.len() {
            q[c.offset + j] = state.w[ci] * state.pi[c.offset + j] / t;
        }
    }
    let lower_bound: f64 = lay.m.iter().zip(&lambda).map(|(m, l)| m * l).sum();
    RawSolution {
        q,
        lower_bound,
        iterations: steps,
    }
}

/// Buffers for assembling and solving the Newton system.
struct NewtonWork {
    grad: Vec<f64>,
    /// Dense block of each x1 value (its α variables), row-major.
    blocks: Vec<Vec<f64>>,
    /// Coupling rows C (n_alpha × n_beta), then overwritten by K = L⁻¹·C.
    coupling: Vec<f64>,
    /// Schur complement over the β variables (n_beta × n_beta).
    schur: Vec<f64>,
}

impl NewtonWork {
    fn new(lay: &Layout) -> NewtonWork {
        NewtonWork {
            grad: vec![0.0; lay.n_alpha + lay.n_beta],
            blocks: lay
                .alpha_blocks
                .iter()
                .map(|b| vec![0.0; b.len() * b.len()])
                .collect(),
            coupling: vec![0.0; lay.n_alpha * lay.n_beta],
            schur: vec![0.0; lay.n_beta * lay.n_beta],
        }
    }

    /// Gradient and Newton direction of the barrier at the state's point.
    fn newton_direction(
        &mut self,
        s: &Support,
        lay: &Layout,
        st: &CellState,
        t: f64,
    ) -> (Vec<f64>, Vec<f64>) {
        let ny = lay.ny;
        let (na, nb) = (lay.n_alpha, lay.n_beta);
        for (g, m) in self.grad.iter_mut().zip(&lay.m) {
            *g = -t * m;
        }
        self.blocks
            .iter_mut()
            .for_each(|b| b.iter_mut().for_each(|v| *v = 0.0));
        self.coupling.iter_mut().for_each(|v| *v = 0.0);
        self.schur.iter_mut().for_each(|v| *v = 0.0);
        // Position of each α variable inside its x1 block.
        for (ci, c) in s.cells.iter().enumerate() {
            let w = st.w[ci];
            let pi = &st.pi[c.offset..c.offset + c.labels.len()];
            let block_vars = &lay.alpha_blocks[c.a];
            let block = &mut self.blocks[c.a];
            let kb = block_vars.len();
            for (j, &y) in c.labels.iter().enumerate() {
                let ia = lay.alpha[c.a * ny + y].unwrap_or(usize::MAX);
                let ib = lay.beta[c.b * ny + y];
                self.grad[ia] += w * pi[j];
                if let Some(ib) = ib {
                    self.grad[ib] += w * pi[j];
                }
                let ra = local(block_vars, ia);
                for (k, &y2) in c.labels.iter().enumerate() {
                    // M = w·diag(π) + (w² − w)·π·πᵀ
                    let mut h = (w * w - w) * pi[j] * pi[k];
                    if j == k {
                        h += w * pi[j];
                    }
                    let ia2 = lay.alpha[c.a * ny + y2].unwrap_or(usize::MAX);
                    let ib2 = lay.beta[c.b * ny + y2];
                    block[ra * kb + local(block_vars, ia2)] += h;
                    if let Some(ib2) = ib2 {
                        self.coupling[ia * nb + (ib2 - na)] += h;
                        if let Some(ib) = ib {
                            self.schur[(ib - na) * nb + (ib2 - na)] += h;
                        }
                    }
                }
            }
        }
        // Eliminate each α block: K_a = L_a⁻¹·C_a and u_a = L_a⁻¹·g_a.
        let mut u = self.grad[..na].to_vec();
        for (a, vars) in lay.alpha_blocks.iter().enumerate() {
            let kb = vars.len();
            if kb == 0 {
                continue;
            }
            let block = &mut self.blocks[a];
            let scale = (0..kb).map(|i| block[i * kb + i]).fold(0.0, f64::max);
            cholesky_in_place(block, kb, scale * 1e-14 + 1e-300);
            let first = vars[0];
            solve_lower(block, kb, &mut u[first..first + kb]);
            // Rows of C_a are contiguous (α indices of a block are consecutive).
            for i in 0..kb {
                let (done, rest) = self.coupling.split_at_mut((first + i) * nb);
                let row = &mut rest[..nb];
                for j in 0..i {
                    let lij = block[i * kb + j];
                    let prev = &done[(first + j) * nb..(first + j + 1) * nb];
                    row.iter_mut().zip(prev).for_each(|(r, p)| *r -= lij * p);
                }
                let lii = block[i * kb + i];
                row.iter_mut().for_each(|r| *r /= lii);
            }
        }
        // S = H_ββ − Kᵀ·K and rhs = −g_β + Kᵀ·u.
        let mut dir = vec![0.0; na + nb];
        if nb > 0 {
            if na > 0 {
                syrk_lower_transposed(-1.0, &self.coupling, na, nb, &mut self.schur);
            }
            let mut rhs: Vec<f64> = self.grad[na..].iter().map(|g| -g).collect();
            for (i, ui) in u.iter().enumerate() {
                let row = &self.coupling[i * nb..(i + 1) * nb];
                rhs.iter_mut().zip(row).for_each(|(r, k)| *r += k * ui);
            }
            let scale = (0..nb).map(|i| self.schur[i * nb + i]).fold(0.0, f64::max);
            cholesky_blocked(&mut self.schur, nb, scale * 1e-14 + 1e-300);
            solve_lower(&self.schur, nb, &mut rhs);
            solve_upper_transposed(&self.schur, nb, &mut rhs);
            dir[na..].copy_from_slice(&rhs);
        }
        // dα_a = L_a⁻ᵀ·(−u_a − K_a·dβ).
        for (a, vars) in lay.alpha_blocks.iter().enumerate() {
            let kb = vars.len();
            if kb == 0 {
                continue;
            }
            let first = vars[0];
            let mut x: Vec<f64> = (0..kb)
                .map(|i| {
                    let row = &self.coupling[(first + i) * nb..(first + i + 1) * nb];
                    let kd = dot(row, &dir[na..]);
                    -u[first + i] - kd
                })
                .collect();
            solve_upper_transposed(&self.blocks[a], kb, &mut x);
            dir[first..first + kb].copy_from_slice(&x);
        }
        (self.grad.clone(), dir)
    }
}

/// Position of global α index `i` within its block (blocks are consecutive runs).
fn local(block_vars: &[usize], i: usize) -> usize {
    i - block_vars[0]
}
