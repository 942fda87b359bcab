//! LSMI with exact probabilities (spec §2.3): a network-free oracle for the LSMI
//! arithmetic. Its raw means equal Finn & Lizier's I± PID (dit's `PID_PM`).

use super::atoms::{adjustment, pointwise_atoms, weighted_mean, Atoms};
use crate::discrete::JointTable;
use serde::{Deserialize, Serialize};

/// Exact-probability LSMI of a discrete joint distribution (nats).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExactLsmi {
    /// Expected pointwise atoms before the dataset-level shift.
    pub raw: Atoms,
    /// After the shift (`raw.shifted(adjustment)`).
    pub adjusted: Atoms,
    /// The shift constant of §2.4.
    pub adjustment: f64,
}

/// The marginals the pointwise quantities need, computed once per table.
struct Marginals {
    y: Vec<f64>,
    x1_y: Vec<f64>,
    x2_y: Vec<f64>,
    x1: Vec<f64>,
    x2: Vec<f64>,
}

impl Marginals {
    fn of(table: &JointTable) -> Self {
        let ny = table.shape()[2];
        let x1_y = table.marginal_x1_y();
        let x2_y = table.marginal_x2_y();
        Marginals {
            y: table.marginal_y(),
            x1: x1_y.chunks_exact(ny).map(|r| r.iter().sum()).collect(),
            x2: x2_y.chunks_exact(ny).map(|r| r.iter().sum()).collect(),
            x1_y,
            x2_y,
        }
    }

    fn atoms(&self, table: &JointTable, x1: usize, x2: usize, y: usize) -> Option<Atoms> {
        let p = table.get(x1, x2, y);
        if p <= 0.0 {
            return None;
        }
        let ny = table.shape()[2];
        let py = self.y[y];
        let p12: f64 = (0..ny).map(|c| table.get(x1, x2, c)).sum();
        let (p1, p2) = (self.x1[x1], self.x2[x2]);
        let i1 = (self.x1_y[x1 * ny + y] / py).ln() - p1.ln();
        let i2 = (self.x2_y[x2 * ny + y] / py).ln() - p2.ln();
        let i12 = p.ln() - p12.ln() - py.ln();
        Some(pointwise_atoms(i1, i2, i12, -p1.ln(), -p2.ln()))
    }
}

/// Pointwise LSMI atoms of one cell (x1, x2, y) of `table` (nats); `None` where the
/// cell has zero probability (pointwise quantities are undefined there).
pub fn exact_pointwise(table: &JointTable, x1: usize, x2: usize, y: usize) -> Option<Atoms> {
    let [n1, n2, ny] = table.shape();
    if x1 >= n1 || x2 >= n2 || y >= ny {
        return None;
    }
    Marginals::of(table).atoms(table, x1, x2, y)
}

/// Expected LSMI atoms of `table` under its own probabilities, raw and adjusted.
pub fn exact(table: &JointTable) -> ExactLsmi {
    let [n1, n2, ny] = table.shape();
    let marginals = Marginals::of(table);
    let mut cells = Vec::new();
    for a in 0..n1 {
        for b in 0..n2 {
            for y in 0..ny {
                if let Some(atoms) = marginals.atoms(table, a, b, y) {
                    cells.push((table.get(a, b, y), atoms));
                }
            }
        }
    }
    let raw = weighted_mean(cells.iter().map(|(w, a)| (*w, a)));
    let adj = adjustment(&raw);
    ExactLsmi {
        raw,
        adjusted: raw.shifted(adj),
        adjustment: adj,
    }
}
