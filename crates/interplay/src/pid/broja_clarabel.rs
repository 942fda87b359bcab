//! BROJA as an exponential-cone program solved by Clarabel: the independent
//! oracle for the Newton solver (slower, but a general-purpose interior-point code).
//!
//! Variables: q_k ≥ 0 for every support entry k = (x1, x2, y) and an epigraph t_k.
//! Minimise Σ t_k subject to the two marginal equalities and, per entry,
//! q·log(q/r) ≤ t with r = Σ_y q(x1,x2,y), i.e. (−t, q, r) ∈ K_exp, where
//! Clarabel 0.11's cone is K_exp = cl{(x, y, z) : y > 0, y·e^{x/y} ≤ z}
//! (`y·e^{x/y} ≤ z` ⇔ `y·log(y/z) ≤ −x`). Constraints take the form A·x + s = b,
//! s ∈ K.
//!
//! Needs the `clarabel` feature (on by default); without it this module is absent
//! and [`BrojaSolver::Clarabel`](super::BrojaSolver::Clarabel) is refused with
//! [`Error::MissingFeature`](crate::Error::MissingFeature).

use clarabel::algebra::CscMatrix;
use clarabel::solver::{DefaultSettings, DefaultSolver, IPSolver, SolverStatus, SupportedConeT};

use super::support::Support;
use super::RawSolution;
use crate::{Error, Result};

/// Solve the BROJA program on `s` with Clarabel at tolerance `tol`.
pub(crate) fn solve(s: &Support, tol: f64) -> Result<RawSolution> {
    let ny = s.shape[2];
    let k = s.n_entries;
    let n = 2 * k;
    let (mut rows, mut cols, mut vals) = (Vec::new(), Vec::new(), Vec::new());
    let mut b = Vec::new();
    // Equalities (zero cone): Σ_b q = p(a,y) and Σ_a q = p(b,y), dropping one
    // x2 constraint per label (implied by the others: both sides sum to p(y)).
    let mut row_of_x1 = vec![None; s.shape[0] * ny];
    for (i, &v) in s.p1.iter().enumerate() {
        if v > 0.0 {
            row_of_x1[i] = Some(b.len());
            b.push(v);
        }
    }
    let mut row_of_x2 = vec![None; s.shape[1] * ny];
    let mut seen = vec![false; ny];
    for (i, &v) in s.p2.iter().enumerate() {
        // p2 is x2-major: i = b·|Y| + y.
        let y = i % ny;
        if v > 0.0 {
            if seen[y] {
                row_of_x2[i] = Some(b.len());
                b.push(v);
            } else {
                seen[y] = true;
            }
        }
    }
    let n_eq = b.len();
    for c in &s.cells {
        for (j, &y) in c.labels.iter().enumerate() {
            let var = c.offset + j;
            if let Some(r) = row_of_x1[c.a * ny + y] {
                rows.push(r);
                cols.push(var);
                vals.push(1.0);
            }
            if let Some(r) = row_of_x2[c.b * ny + y] {
                rows.push(r);
                cols.push(var);
                vals.push(1.0);
            }
        }
    }
    // One exponential cone per entry: s = (−t, q, r) = b − A·x with b = 0.
    for c in &s.cells {
        for j in 0..c.labels.len() {
            let var = c.offset + j;
            let row = n_eq + 3 * var;
            rows.push(row);
            cols.push(k + var);
            vals.push(1.0);
            rows.push(row + 1);
            cols.push(var);
            vals.push(-1.0);
            for j2 in 0..c.labels.len() {
                rows.push(row + 2);
                cols.push(c.offset + j2);
                vals.push(-1.0);
            }
            b.extend_from_slice(&[0.0, 0.0, 0.0]);
        }
    }
    let m = b.len();
    let a = CscMatrix::new_from_triplets(m, n, rows, cols, vals);
    let p = CscMatrix::zeros((n, n));
    let mut objective = vec![0.0; n];
    objective[k..].iter_mut().for_each(|v| *v = 1.0);
    let mut cones = vec![SupportedConeT::ZeroConeT(n_eq)];
    cones.extend(std::iter::repeat_n(SupportedConeT::ExponentialConeT(), k));
    let settings = DefaultSettings {
        verbose: false,
        max_iter: 500,
        tol_gap_abs: tol,
        tol_gap_rel: tol,
        tol_feas: tol,
        ..DefaultSettings::default()
    };
    let mut solver = DefaultSolver::new(&p, &objective, &a, &b, &cones, settings)
        .map_err(|e| Error::Numerical(format!("clarabel setup failed: {e}")))?;
    solver.solve();
    let sol = &solver.solution;
    match sol.status {
        SolverStatus::Solved | SolverStatus::AlmostSolved | SolverStatus::MaxIterations => {}
        other => {
            return Err(Error::Numerical(format!(
                "clarabel ended with status {other:?} on the BROJA program"
            )))
        }
    }
    Ok(RawSolution {
        q: sol.x[..k].to_vec(),
        lower_bound: sol.obj_val_dual,
        iterations: sol.iterations as usize,
    })
}
