//! Partial information decomposition (BROJA) on discrete and discretised data.
//!
//! [`broja`] decomposes I(X1,X2;Y) of a [`JointTable`] into redundancy, two unique
//! informations and synergy (Bertschinger, Rauh, Olbrich, Jost, Ay 2014) by
//! solving min I_q(X1,X2;Y) over the joints q with p's (x1,y) and (x2,y)
//! marginals. Two solvers are provided: a specialised Newton method on the dual
//! (default, see `broja_newton`) and Clarabel's exponential-cone interior point
//! method (the oracle). [`continuous`] discretises continuous modalities first
//! (the CVX recipe of Liang et al. 2023). The Clarabel solver needs the
//! `clarabel` feature (on by default); without it, choosing it is an
//! [`Error::MissingFeature`](crate::Error::MissingFeature). [`shuffle_null`]
//! compares a PID of samples with the PIDs of the same samples with shuffled
//! labels: the bias-corrected atoms and their p-values.

#[cfg(feature = "clarabel")]
mod broja_clarabel;
mod broja_newton;
pub mod continuous;
mod dense;
mod joint_csv;
mod kmeans;
pub mod null;
mod pca;
mod result;
mod support;

pub use broja_newton::NewtonSettings;
pub use joint_csv::read_joint_csv;
pub use null::{shuffle_null, NullOptions, NullStat, PidNull};
pub use result::{BrojaSolver, PidResult, SolveStatus};

use crate::discrete::JointTable;
use crate::params::{Checked, Validate};
use crate::{Result, Units};
use support::Support;

/// Certified duality gap (nats) below which a solution is reported optimal.
pub const OPTIMAL_GAP: f64 = 1e-8;

/// Options of [`broja`].
#[derive(Debug, Clone, Copy)]
pub struct BrojaOptions {
    /// Which solver to use.
    pub solver: BrojaSolver,
    /// Settings of the Newton solver.
    pub newton: NewtonSettings,
    /// Clarabel's gap and feasibility tolerance.
    pub clarabel_tolerance: f64,
    /// Unit of the returned information quantities.
    pub units: Units,
}

impl Default for BrojaOptions {
    fn default() -> Self {
        BrojaOptions {
            solver: BrojaSolver::default(),
            newton: NewtonSettings::default(),
            clarabel_tolerance: 1e-10,
            units: Units::default(),
        }
    }
}

impl Validate for BrojaOptions {
    /// Reject tolerances and step limits the solvers cannot run with.
    fn check(&self) -> Result<()> {
        use crate::params::{at_least, positive};
        positive("gap_tolerance", self.newton.gap_tolerance)?;
        positive("residual_tolerance", self.newton.residual_tolerance)?;
        // The barrier weight must grow from step to step.
        crate::params::within(
            "centering",
            self.newton.centering,
            1.0,
            f64::INFINITY,
            true,
            true,
        )?;
        at_least("max_newton_steps", self.newton.max_newton_steps, 1)?;
        positive("clarabel_tolerance", self.clarabel_tolerance)
    }
}

/// What a solver hands back before the common post-processing.
pub(crate) struct RawSolution {
    /// Flat q on the solver's support.
    q: Vec<f64>,
    /// A lower bound on the optimal objective −H_q*(Y|X1,X2) (a dual value), nats.
    lower_bound: f64,
    iterations: usize,
}

impl RawSolution {
    /// The conditional-independence coupling, used when a solver breaks down:
    /// feasible but with no optimality certificate.
    fn fallback(s: &Support, iterations: usize) -> RawSolution {
        RawSolution {
            q: s.independent_coupling(),
            lower_bound: f64::NEG_INFINITY,
            iterations,
        }
    }
}

/// The BROJA decomposition of the joint `p` (target is the last variable).
///
/// Cells with zero probability are handled exactly (the support is restricted
/// before solving). The returned `q` is exactly feasible (projected onto the
/// marginal constraints) and `duality_gap` bounds the error of every atom.
pub fn broja(p: &JointTable, options: &Checked<BrojaOptions>) -> Result<PidResult> {
    let [n1, n2, ny] = p.shape();
    // The Newton solver's dense block is over x2: put the smaller alphabet there.
    let transpose = n2 > n1;
    let solved_on = if transpose { transposed(p)? } else { p.clone() };
    let s_solved = Support::new(&solved_on);
    if options.solver == BrojaSolver::Newton {
        // Dense Newton blocks: (|X1| + |X2|)·|Y| × |X2|·|Y| doubles, |X2| ≤ |X1|.
        let [m1, m2, _] = solved_on.shape();
        let (wa, wb) = ((m1 * ny) as f64, (m2 * ny) as f64);
        if (wa + wb) * wb > 2.5e8 {
            return Err(crate::Error::invalid(format!(
                "a {n1}×{n2}×{ny} joint needs more than 2 GB for the Newton solver's                  dense blocks; use fewer clusters or the clarabel solver"
            )));
        }
    }
    let raw = match options.solver {
        BrojaSolver::Newton => broja_newton::solve(&s_solved, &options.newton),
        #[cfg(feature = "clarabel")]
        BrojaSolver::Clarabel => broja_clarabel::solve(&s_solved, options.clarabel_tolerance)?,
        #[cfg(not(feature = "clarabel"))]
        BrojaSolver::Clarabel => {
            return Err(crate::Error::missing_feature("Clarabel solver", "clarabel"))
        }
    };
    let mut dense = s_solved.dense(&raw.q);
    if transpose {
        dense = transpose_dense(&dense, [n2, n1, ny]);
    }
    let support = Support::new(p);
    let mut q = gather(&support, &dense);
    let violation = support.project(&mut q, 2000);
    let objective = support.neg_conditional_entropy(&q);
    let duality_gap = objective - raw.lower_bound;

    let [i1, i2, i12] = p.mutual_informations();
    let h_y: f64 = p
        .marginal_y()
        .iter()
        .filter(|&&v| v > 0.0)
        .map(|v| -v * v.ln())
        .sum();
    let i12_q = h_y + objective;
    let status = if duality_gap <= OPTIMAL_GAP && violation <= 1e-12 {
        SolveStatus::Optimal
    } else {
        SolveStatus::Inaccurate
    };
    let q_table = JointTable::new([n1, n2, ny], support.dense(&q))?;
    let nats = PidResult {
        units: Units::Nats,
        redundancy: i1 + i2 - i12_q,
        unique1: i12_q - i2,
        unique2: i12_q - i1,
        synergy: i12 - i12_q,
        mi_x1_y: i1,
        mi_x2_y: i2,
        mi_x1x2_y: i12,
        mi_x1x2_y_q: i12_q,
        solver: options.solver,
        status,
        duality_gap,
        max_constraint_violation: violation,
        iterations: raw.iterations,
        q: q_table,
    };
    Ok(nats.in_units(options.units))
}

/// The table with x1 and x2 swapped.
fn transposed(p: &JointTable) -> Result<JointTable> {
    let [n1, n2, ny] = p.shape();
    JointTable::new(
        [n2, n1, ny],
        transpose_dense(p.probabilities(), [n1, n2, ny]),
    )
}

/// Swap the first two axes of a dense `shape` table.
fn transpose_dense(d: &[f64], shape: [usize; 3]) -> Vec<f64> {
    let [n1, n2, ny] = shape;
    let mut out = vec![0.0; d.len()];
    for a in 0..n1 {
        for b in 0..n2 {
            for y in 0..ny {
                out[(b * n1 + a) * ny + y] = d[(a * n2 + b) * ny + y];
            }
        }
    }
    out
}

/// A dense table's entries on the support, in flat order.
fn gather(s: &Support, dense: &[f64]) -> Vec<f64> {
    let [_, n2, ny] = s.shape;
    let mut q = vec![0.0; s.n_entries];
    for c in &s.cells {
        for (k, &y) in c.labels.iter().enumerate() {
            q[c.offset + k] = dense[(c.a * n2 + c.b) * ny + y];
        }
    }
    q
}

#[cfg(all(test, not(feature = "clarabel")))]
mod tests {
    use super::*;

    #[test]
    fn the_clarabel_solver_is_refused_with_the_feature_to_rebuild_with() {
        let p = JointTable::new([2, 2, 2], vec![0.125; 8]).unwrap();
        let options = BrojaOptions {
            solver: BrojaSolver::Clarabel,
            ..BrojaOptions::default()
        };
        let err = broja(&p, &options.validate().unwrap()).unwrap_err();
        assert!(matches!(
            err,
            crate::Error::MissingFeature {
                feature: "clarabel",
                ..
            }
        ));
        assert!(err
            .to_string()
            .contains("rebuild with the `clarabel` feature"));
        assert!(broja(&p, &BrojaOptions::default().validate().unwrap()).is_ok());
    }

    #[test]
    fn options_the_solvers_cannot_run_with_are_refused() {
        let bad = |f: fn(&mut BrojaOptions)| {
            let mut o = BrojaOptions::default();
            f(&mut o);
            o.validate().unwrap_err().to_string()
        };
        assert!(bad(|o| o.newton.gap_tolerance = 0.0).contains("gap_tolerance"));
        assert!(bad(|o| o.newton.residual_tolerance = f64::NAN).contains("residual_tolerance"));
        assert!(bad(|o| o.newton.centering = 1.0).contains("centering"));
        assert!(bad(|o| o.newton.max_newton_steps = 0).contains("max_newton_steps"));
        assert!(bad(|o| o.clarabel_tolerance = -1.0).contains("clarabel_tolerance"));
    }
}
