//! What a PID computation reports: the four atoms, the three mutual
//! informations they decompose, and how well the optimiser did.

use serde::Serialize;

use crate::discrete::JointTable;
use crate::Units;

/// Which algorithm solved the BROJA program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum BrojaSolver {
    /// Path-following Newton method on the dual barrier problem (fast, the default).
    #[default]
    Newton,
    /// The exponential-cone program solved by Clarabel (the independent oracle).
    /// Needs the `clarabel` feature (on by default).
    Clarabel,
}

impl std::str::FromStr for BrojaSolver {
    type Err = crate::Error;
    fn from_str(text: &str) -> crate::Result<Self> {
        match text.to_ascii_lowercase().as_str() {
            "newton" => Ok(BrojaSolver::Newton),
            "clarabel" => Ok(BrojaSolver::Clarabel),
            other => Err(crate::Error::invalid(format!(
                "solver must be 'newton' or 'clarabel', got '{other}'"
            ))),
        }
    }
}

impl std::fmt::Display for BrojaSolver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            BrojaSolver::Newton => "newton",
            BrojaSolver::Clarabel => "clarabel",
        })
    }
}

/// How a solver run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SolveStatus {
    /// Converged to the requested tolerance.
    Optimal,
    /// Stopped early (iteration limit or lost precision); the result is the best
    /// feasible point found and the duality gap bounds its error.
    Inaccurate,
}

/// The BROJA partial information decomposition of I(X1,X2;Y).
///
/// Identities (exact up to the solver's duality gap): `R + U1 = I(X1;Y)`,
/// `R + U2 = I(X2;Y)`, `R + U1 + U2 + S = I(X1,X2;Y)`.
#[derive(Debug, Clone, Serialize)]
pub struct PidResult {
    /// The unit every information quantity below is in.
    pub units: Units,
    /// Redundancy R: information about Y that both X1 and X2 carry.
    pub redundancy: f64,
    /// Unique information U1 = I_q*(X1;Y|X2).
    pub unique1: f64,
    /// Unique information U2 = I_q*(X2;Y|X1).
    pub unique2: f64,
    /// Synergy S = I_p(X1,X2;Y) − I_q*(X1,X2;Y).
    pub synergy: f64,
    /// I(X1;Y) under p (equal under q*, whose (x1,y) marginal is fixed).
    pub mi_x1_y: f64,
    /// I(X2;Y) under p.
    pub mi_x2_y: f64,
    /// I(X1,X2;Y) under p.
    pub mi_x1x2_y: f64,
    /// I(X1,X2;Y) under the optimal q*, the minimum over Δ_p.
    pub mi_x1x2_y_q: f64,
    /// The solver used.
    pub solver: BrojaSolver,
    /// How it ended.
    pub status: SolveStatus,
    /// Objective of q* minus a dual lower bound: an upper bound on how far
    /// I_q*(X1,X2;Y), hence every atom, is from its exact value.
    pub duality_gap: f64,
    /// Largest violation of the marginal constraints by q* (a probability, no unit).
    pub max_constraint_violation: f64,
    /// Newton or interior-point iterations.
    pub iterations: usize,
    /// The optimal joint q*(x1, x2, y) (not serialised: it can be large).
    #[serde(skip)]
    pub q: JointTable,
}

impl PidResult {
    /// The same result with every information quantity converted to `units`.
    pub fn in_units(&self, units: Units) -> PidResult {
        let conv = |v: f64| units.from_nats(self.units.to_nats(v));
        PidResult {
            units,
            redundancy: conv(self.redundancy),
            unique1: conv(self.unique1),
            unique2: conv(self.unique2),
            synergy: conv(self.synergy),
            mi_x1_y: conv(self.mi_x1_y),
            mi_x2_y: conv(self.mi_x2_y),
            mi_x1x2_y: conv(self.mi_x1x2_y),
            mi_x1x2_y_q: conv(self.mi_x1x2_y_q),
            duality_gap: conv(self.duality_gap),
            ..self.clone()
        }
    }

    /// The atoms as `[R, U1, U2, S]`.
    pub fn atoms(&self) -> [f64; 4] {
        [self.redundancy, self.unique1, self.unique2, self.synergy]
    }
}
