//! Discrete joint distributions p(x1, x2, y) over finite alphabets: the common
//! input of the exact PID solvers, the exact-probability LSMI oracle and the
//! canonical PID benchmarks.

use crate::{Error, Result};

/// The most cells a [`JointTable`] may have (2²⁴, 128 MiB of probabilities): the
/// exact PID solvers work on the whole table, and a larger one means the data were
/// not discretised.
pub const MAX_CELLS: usize = 1 << 24;

/// The distinct values of `symbols`, sorted: position = dense code.
fn dense_codes(symbols: impl Iterator<Item = usize>) -> Vec<usize> {
    let mut v: Vec<usize> = symbols.collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// A joint probability table p(x1, x2, y) with alphabets `0..n1`, `0..n2`, `0..ny`,
/// stored densely in (x1, x2, y) row-major order. Probabilities are f64 and sum to 1.
#[derive(Debug, Clone, PartialEq)]
pub struct JointTable {
    shape: [usize; 3],
    p: Vec<f64>,
}

impl JointTable {
    /// A table from its shape and probabilities in (x1, x2, y) row-major order.
    ///
    /// Entries must be finite and non-negative with a positive sum; they are
    /// normalised to sum to 1 (so counts are accepted as well as probabilities).
    pub fn new(shape: [usize; 3], p: Vec<f64>) -> Result<Self> {
        if shape.contains(&0) {
            return Err(Error::invalid(format!(
                "joint table shape {shape:?} has an empty alphabet"
            )));
        }
        let cells = shape
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .filter(|&c| c <= MAX_CELLS)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "joint table shape {shape:?} has more than {MAX_CELLS} cells"
                ))
            })?;
        if p.len() != cells {
            return Err(Error::invalid(format!(
                "joint table of shape {shape:?} needs {cells} probabilities, got {}",
                p.len()
            )));
        }
        if let Some((i, v)) = p
            .iter()
            .enumerate()
            .find(|(_, v)| !v.is_finite() || **v < 0.0)
        {
            return Err(Error::invalid(format!(
                "joint table entry {i} is {v}: probabilities must be finite and non-negative"
            )));
        }
        let total: f64 = p.iter().sum();
        if total <= 0.0 {
            return Err(Error::invalid("joint table has zero total probability"));
        }
        let p = p.into_iter().map(|v| v / total).collect();
        Ok(JointTable { shape, p })
    }

    /// A table from (x1, x2, y, p) entries; repeated cells add up.
    ///
    /// Symbols are relabelled to dense indices `0..k` in increasing order of their
    /// values (the PID and mutual informations do not depend on the names of the
    /// outcomes), so a stray symbol such as 100 000 or 2³² cannot size the table.
    /// Tables of more than [`MAX_CELLS`] cells are refused.
    pub fn from_entries(entries: &[(usize, usize, usize, f64)]) -> Result<Self> {
        if entries.is_empty() {
            return Err(Error::invalid("joint table has no entries"));
        }
        let codes = [
            dense_codes(entries.iter().map(|e| e.0)),
            dense_codes(entries.iter().map(|e| e.1)),
            dense_codes(entries.iter().map(|e| e.2)),
        ];
        let shape = codes.each_ref().map(Vec::len);
        let cells = shape
            .iter()
            .try_fold(1usize, |acc, &n| acc.checked_mul(n))
            .filter(|&c| c <= MAX_CELLS)
            .ok_or_else(|| {
                Error::invalid(format!(
                    "joint table of {} × {} × {} outcomes has more than {MAX_CELLS} cells; discretise more coarsely",
                    shape[0], shape[1], shape[2]
                ))
            })?;
        let index = |axis: usize, v: usize| codes[axis].binary_search(&v).unwrap_or(0);
        let mut p = vec![0.0; cells];
        for &(a, b, y, v) in entries {
            let cell = (index(0, a) * shape[1] + index(1, b)) * shape[2] + index(2, y);
            p[cell] += v;
        }
        JointTable::new(shape, p)
    }

    /// The empirical distribution (histogram) of integer-coded samples.
    pub fn from_samples(x1: &[usize], x2: &[usize], y: &[usize]) -> Result<Self> {
        if x1.len() != x2.len() || x1.len() != y.len() {
            return Err(Error::invalid(format!(
                "sample columns differ in length: x1 {}, x2 {}, y {}",
                x1.len(),
                x2.len(),
                y.len()
            )));
        }
        let entries: Vec<_> = (0..x1.len()).map(|i| (x1[i], x2[i], y[i], 1.0)).collect();
        JointTable::from_entries(&entries)
    }

    /// Alphabet sizes `[|X1|, |X2|, |Y|]`.
    pub fn shape(&self) -> [usize; 3] {
        self.shape
    }

    /// The probabilities in (x1, x2, y) row-major order.
    pub fn probabilities(&self) -> &[f64] {
        &self.p
    }

    /// p(x1, x2, y).
    pub fn get(&self, x1: usize, x2: usize, y: usize) -> f64 {
        self.p[(x1 * self.shape[1] + x2) * self.shape[2] + y]
    }

    /// p(x1, y) as an `|X1| × |Y|` row-major vector.
    pub fn marginal_x1_y(&self) -> Vec<f64> {
        let [n1, n2, ny] = self.shape;
        let mut m = vec![0.0; n1 * ny];
        for a in 0..n1 {
            for b in 0..n2 {
                for y in 0..ny {
                    m[a * ny + y] += self.get(a, b, y);
                }
            }
        }
        m
    }

    /// p(x2, y) as an `|X2| × |Y|` row-major vector.
    pub fn marginal_x2_y(&self) -> Vec<f64> {
        let [n1, n2, ny] = self.shape;
        let mut m = vec![0.0; n2 * ny];
        for a in 0..n1 {
            for b in 0..n2 {
                for y in 0..ny {
                    m[b * ny + y] += self.get(a, b, y);
                }
            }
        }
        m
    }

    /// p(y).
    pub fn marginal_y(&self) -> Vec<f64> {
        let ny = self.shape[2];
        let mut m = vec![0.0; ny];
        for (i, v) in self.p.iter().enumerate() {
            m[i % ny] += v;
        }
        m
    }

    /// I(X1;Y), I(X2;Y) and I(X1,X2;Y) in nats.
    pub fn mutual_informations(&self) -> [f64; 3] {
        let [n1, n2, ny] = self.shape;
        let py = self.marginal_y();
        let p1y = self.marginal_x1_y();
        let p2y = self.marginal_x2_y();
        let mi_pair = |pxy: &[f64], nx: usize| {
            let mut mi = 0.0;
            for x in 0..nx {
                let px: f64 = (0..ny).map(|y| pxy[x * ny + y]).sum();
                for y in 0..ny {
                    let v = pxy[x * ny + y];
                    if v > 0.0 {
                        mi += v * (v / (px * py[y])).ln();
                    }
                }
            }
            mi
        };
        let mut i12 = 0.0;
        for a in 0..n1 {
            for b in 0..n2 {
                let pab: f64 = (0..ny).map(|y| self.get(a, b, y)).sum();
                for (y, &p_y) in py.iter().enumerate() {
                    let v = self.get(a, b, y);
                    if v > 0.0 {
                        i12 += v * (v / (pab * p_y)).ln();
                    }
                }
            }
        }
        [mi_pair(&p1y, n1), mi_pair(&p2y, n2), i12]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xor_has_one_bit_of_synergy_in_its_mutual_informations() {
        let t = JointTable::from_entries(&[
            (0, 0, 0, 0.25),
            (0, 1, 1, 0.25),
            (1, 0, 1, 0.25),
            (1, 1, 0, 0.25),
        ])
        .unwrap();
        let [i1, i2, i12] = t.mutual_informations();
        assert!(i1.abs() < 1e-15 && i2.abs() < 1e-15);
        assert!((i12 - std::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn sparse_symbols_are_relabelled_densely() {
        let huge = 1usize << 32;
        let t = JointTable::from_entries(&[
            (0, 100_000, 0, 0.25),
            (0, 7, huge, 0.25),
            (huge, 100_000, huge, 0.25),
            (huge, 7, 0, 0.25),
        ])
        .unwrap();
        assert_eq!(t.shape(), [2, 2, 2]);
        let [i1, i2, i12] = t.mutual_informations();
        assert!(i1.abs() < 1e-15 && i2.abs() < 1e-15);
        assert!((i12 - std::f64::consts::LN_2).abs() < 1e-15);
    }

    #[test]
    fn tables_beyond_the_cell_cap_are_refused() {
        let entries: Vec<_> = (0..5000).map(|i| (i, i, i, 1.0)).collect();
        let err = JointTable::from_entries(&entries).unwrap_err();
        assert!(err.to_string().contains("discretise"), "{err}");
    }

    #[test]
    fn rejects_negative_and_misshapen_tables() {
        assert!(JointTable::new([2, 2, 2], vec![0.5; 7]).is_err());
        assert!(JointTable::new([1, 1, 2], vec![1.5, -0.5]).is_err());
        assert!(JointTable::new([1, 1, 2], vec![0.0, 0.0]).is_err());
    }
}
