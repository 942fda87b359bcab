//! The feasible set of the BROJA program restricted to its support, shared by
//! every solver: which (x1, x2, y) cells may carry mass, the two fixed marginals,
//! and the exact projection of an almost-feasible q back onto the constraints.

use crate::discrete::JointTable;

/// One (x1, x2) cell of the support with the labels it may carry.
#[derive(Debug, Clone)]
pub(crate) struct Cell {
    /// Index into the x1 alphabet.
    pub a: usize,
    /// Index into the x2 alphabet.
    pub b: usize,
    /// Labels y with p(x1=a, y) > 0 and p(x2=b, y) > 0, ascending.
    pub labels: Vec<usize>,
    /// Offset of this cell's first entry in the flat q vector.
    pub offset: usize,
}

/// The BROJA feasible set Δ_p on its support.
///
/// A cell (x1, x2, y) with p(x1, y) = 0 or p(x2, y) = 0 is forced to zero by the
/// marginal constraints, so it is dropped up front; this keeps every solver free
/// of 0·log 0 and empty-slice special cases.
#[derive(Debug, Clone)]
pub(crate) struct Support {
    /// `[|X1|, |X2|, |Y|]`.
    pub shape: [usize; 3],
    /// p(x1, y), `|X1| × |Y|` row-major.
    pub p1: Vec<f64>,
    /// p(x2, y), `|X2| × |Y|` row-major.
    pub p2: Vec<f64>,
    /// Cells with at least one admissible label.
    pub cells: Vec<Cell>,
    /// Number of (x1, x2, y) entries over all cells (the length of a flat q).
    pub n_entries: usize,
}

impl Support {
    /// The support of Δ_p for the joint `p`.
    pub fn new(p: &JointTable) -> Self {
        let shape = p.shape();
        let [n1, n2, ny] = shape;
        let p1 = p.marginal_x1_y();
        let p2 = p.marginal_x2_y();
        let mut cells = Vec::new();
        let mut offset = 0;
        for a in 0..n1 {
            for b in 0..n2 {
                let labels: Vec<usize> = (0..ny)
                    .filter(|&y| p1[a * ny + y] > 0.0 && p2[b * ny + y] > 0.0)
                    .collect();
                if !labels.is_empty() {
                    let len = labels.len();
                    cells.push(Cell {
                        a,
                        b,
                        labels,
                        offset,
                    });
                    offset += len;
                }
            }
        }
        Support {
            shape,
            p1,
            p2,
            cells,
            n_entries: offset,
        }
    }

    /// The conditional-independence coupling q(x1,x2,y) = p(x1,y)·p(x2,y)/p(y),
    /// which always lies in Δ_p (a feasible start and a fallback).
    pub fn independent_coupling(&self) -> Vec<f64> {
        let ny = self.shape[2];
        let py: Vec<f64> = (0..ny)
            .map(|y| (0..self.shape[0]).map(|a| self.p1[a * ny + y]).sum())
            .collect();
        let mut q = vec![0.0; self.n_entries];
        for c in &self.cells {
            for (k, &y) in c.labels.iter().enumerate() {
                q[c.offset + k] = self.p1[c.a * ny + y] * self.p2[c.b * ny + y] / py[y];
            }
        }
        q
    }

    /// Clamp negatives to zero and rescale each label slice q(·,·,y) alternately
    /// over rows and columns (Sinkhorn) until both marginals match to `1e-15`
    /// or `max_sweeps` is reached. A q that is already almost feasible (a
    /// solver's output) moves by about its constraint residual. Returns the
    /// largest remaining marginal violation.
    pub fn project(&self, q: &mut [f64], max_sweeps: usize) -> f64 {
        let [n1, n2, ny] = self.shape;
        for v in q.iter_mut() {
            if v.is_nan() || *v < 0.0 {
                *v = 0.0;
            }
        }
        let mut rows = vec![0.0; n1 * ny];
        let mut cols = vec![0.0; n2 * ny];
        let mut violation = f64::INFINITY;
        for _ in 0..max_sweeps {
            self.sums(q, &mut rows, &mut cols);
            violation = max_violation(&rows, &self.p1).max(max_violation(&cols, &self.p2));
            if violation <= 1e-15 {
                break;
            }
            let row_scale = ratios(&self.p1, &rows);
            self.rescale(q, |c, y| row_scale[c.a * ny + y]);
            self.sums(q, &mut rows, &mut cols);
            let col_scale = ratios(&self.p2, &cols);
            self.rescale(q, |c, y| col_scale[c.b * ny + y]);
        }
        self.sums(q, &mut rows, &mut cols);
        violation.min(max_violation(&rows, &self.p1).max(max_violation(&cols, &self.p2)))
    }

    /// Row sums q(x1, y) and column sums q(x2, y) of a flat q.
    pub fn sums(&self, q: &[f64], rows: &mut [f64], cols: &mut [f64]) {
        let ny = self.shape[2];
        rows.iter_mut().for_each(|v| *v = 0.0);
        cols.iter_mut().for_each(|v| *v = 0.0);
        for c in &self.cells {
            for (k, &y) in c.labels.iter().enumerate() {
                let v = q[c.offset + k];
                rows[c.a * ny + y] += v;
                cols[c.b * ny + y] += v;
            }
        }
    }

    fn rescale(&self, q: &mut [f64], scale: impl Fn(&Cell, usize) -> f64) {
        for c in &self.cells {
            for (k, &y) in c.labels.iter().enumerate() {
                q[c.offset + k] *= scale(c, y);
            }
        }
    }

    /// The objective of the BROJA program, −H_q(Y | X1, X2) in nats, for a flat q
    /// (0·log 0 = 0).
    pub fn neg_conditional_entropy(&self, q: &[f64]) -> f64 {
        let mut f = 0.0;
        for c in &self.cells {
            let slice = &q[c.offset..c.offset + c.labels.len()];
            let total: f64 = slice.iter().sum();
            for &v in slice {
                if v > 0.0 {
                    f += v * (v / total).ln();
                }
            }
        }
        f
    }

    /// Expand a flat q to a dense (x1, x2, y) table.
    pub fn dense(&self, q: &[f64]) -> Vec<f64> {
        let [_, n2, ny] = self.shape;
        let mut out = vec![0.0; self.shape.iter().product()];
        for c in &self.cells {
            for (k, &y) in c.labels.iter().enumerate() {
                out[(c.a * n2 + c.b) * ny + y] = q[c.offset + k];
            }
        }
        out
    }
}

fn max_violation(sums: &[f64], target: &[f64]) -> f64 {
    sums.iter()
        .zip(target)
        .map(|(s, t)| (s - t).abs())
        .fold(0.0, f64::max)
}

/// target/sum with 0/0 treated as 0 (an empty slice stays empty).
fn ratios(target: &[f64], sums: &[f64]) -> Vec<f64> {
    target
        .iter()
        .zip(sums)
        .map(|(&t, &s)| if s > 0.0 { t / s } else { 0.0 })
        .collect()
}
