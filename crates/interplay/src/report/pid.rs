//! The PID report.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{serde_name, MutualInformations, Provenance};
use crate::lsmi::Atoms;
use crate::pid::continuous::{ContinuousPid, DiscretiseOptions};
use crate::pid::{PidNull, PidResult, SolveStatus};

/// What the decomposed distribution came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PidSource {
    /// `joint` (a probability table), `samples` (discrete codes), `data`
    /// (discretised features and labels) or `model` (discretised features and a
    /// model's predictions).
    pub kind: String,
    /// Alphabet sizes |X1|, |X2|, |Y| of the decomposed table.
    pub shape: [usize; 3],
    /// Rows of data behind the table (`null` for a given table).
    pub rows: Option<usize>,
    /// The discretisation, for `data` and `model`: normalisation, PCA
    /// components and clusters asked for.
    pub discretisation: Option<Discretisation>,
}

impl PidSource {
    /// A given table (`kind` `joint`) or discrete samples (`samples`, with `rows`).
    pub fn table(kind: &str, shape: [usize; 3], rows: Option<usize>) -> Self {
        PidSource {
            kind: kind.to_string(),
            shape,
            rows,
            discretisation: None,
        }
    }

    /// Continuous data discretised with `options` (`kind` `data` or `model`).
    pub fn discretised(
        kind: &str,
        rows: usize,
        options: &DiscretiseOptions,
        pid: &ContinuousPid,
    ) -> Self {
        PidSource {
            kind: kind.to_string(),
            shape: pid.joint.shape(),
            rows: Some(rows),
            discretisation: Some(Discretisation {
                normalisation: serde_name(&options.normalisation),
                pca: options.pca_components,
                clusters: options.clusters,
                clusters_used: pid.clusters,
            }),
        }
    }
}

/// How continuous modalities were discretised.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Discretisation {
    /// `l2_rows`, `standardise` or `none`.
    pub normalisation: String,
    /// Principal components kept per modality.
    pub pca: usize,
    /// k-means clusters asked for per modality.
    pub clusters: usize,
    /// Clusters actually used per modality (fewer with few distinct rows).
    pub clusters_used: [usize; 2],
}

/// How the optimiser did.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct SolverReport {
    /// `newton` or `clarabel`.
    pub name: String,
    /// `optimal` or `inaccurate`.
    pub status: String,
    /// Certified duality gap (nats): a bound on the error of the atoms.
    pub duality_gap: f64,
    /// Largest violation of the marginal constraints by q*.
    pub max_constraint_violation: f64,
    /// Iterations taken.
    pub iterations: usize,
}

/// A BROJA partial information decomposition.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct PidReport {
    /// Versions, method, units and seed.
    #[serde(flatten)]
    pub provenance: Provenance,
    /// What was decomposed.
    pub source: PidSource,
    /// R, U1, U2, S.
    pub atoms: Atoms,
    /// The mutual informations the atoms decompose.
    pub mi: MutualInformations,
    /// How the optimiser did.
    pub solver: SolverReport,
    /// Every atom and mutual information against the label-shuffle null: null
    /// mean, bias-corrected value, permutation p-value and significance at
    /// `alpha`. `null` for a given table (`joint`: no samples to shuffle) or with
    /// the null turned off (0 shuffles).
    pub null: Option<PidNull>,
    /// Conditions under which the numbers may mean little.
    pub warnings: Vec<String>,
}

impl PidReport {
    /// The report of `r` (already in its units) computed from `source`.
    pub fn new(r: &PidResult, source: PidSource, seed: u64) -> Self {
        PidReport {
            provenance: Provenance::new("pid", r.units.name(), seed),
            source,
            atoms: Atoms {
                redundancy: r.redundancy,
                uniqueness_1: r.unique1,
                uniqueness_2: r.unique2,
                synergy: r.synergy,
            },
            mi: MutualInformations {
                x1_y: r.mi_x1_y,
                x2_y: r.mi_x2_y,
                x1x2_y: r.mi_x1x2_y,
            },
            solver: SolverReport {
                name: serde_name(&r.solver),
                status: match r.status {
                    SolveStatus::Optimal => "optimal",
                    SolveStatus::Inaccurate => "inaccurate",
                }
                .to_string(),
                duality_gap: r.duality_gap,
                max_constraint_violation: r.max_constraint_violation,
                iterations: r.iterations,
            },
            null: None,
            warnings: Vec::new(),
        }
    }

    /// The report with its shuffle null, and the null's warnings (atoms whose
    /// size is what random labels give) added.
    pub fn with_null(mut self, null: Option<PidNull>) -> Self {
        if let Some(n) = &null {
            self.warnings.extend(n.warnings());
        }
        self.null = null;
        self
    }
}
