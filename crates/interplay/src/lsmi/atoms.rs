//! The pointwise decomposition (spec §2.2) and the dataset-level shift (§2.4).

use serde::{Deserialize, Serialize};

/// Redundancy, the two uniquenesses and synergy (nats unless stated otherwise).
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Atoms {
    /// R: information about y both modalities carry.
    pub redundancy: f64,
    /// U1: information only modality 1 carries.
    pub uniqueness_1: f64,
    /// U2: information only modality 2 carries.
    pub uniqueness_2: f64,
    /// S: information only the two together carry.
    pub synergy: f64,
}

impl Atoms {
    /// The same atoms with `adj` moved from the uniquenesses to R and S (the one
    /// free direction of a two-source PID, so all three MIs are kept).
    pub fn shifted(self, adj: f64) -> Atoms {
        Atoms {
            redundancy: self.redundancy + adj,
            uniqueness_1: self.uniqueness_1 - adj,
            uniqueness_2: self.uniqueness_2 - adj,
            synergy: self.synergy + adj,
        }
    }

    /// Every atom converted with `f` (e.g. nats → bits).
    pub fn map(self, f: impl Fn(f64) -> f64) -> Atoms {
        Atoms {
            redundancy: f(self.redundancy),
            uniqueness_1: f(self.uniqueness_1),
            uniqueness_2: f(self.uniqueness_2),
            synergy: f(self.synergy),
        }
    }
}

/// Per-sample atoms for one pointwise sample (spec §2.2): from the three PMIs
/// and the two pointwise entropies, with `h(x|y) = h(x) − i(x;y)`,
/// `r = min(h1, h2) − min(h1|y, h2|y)`, `u_m = i_m − r`, `s = i12 − r − u1 − u2`.
pub fn pointwise_atoms(i1: f64, i2: f64, i12: f64, h1: f64, h2: f64) -> Atoms {
    let r_plus = h1.min(h2);
    let r_minus = (h1 - i1).min(h2 - i2);
    let r = r_plus - r_minus;
    let u1 = i1 - r;
    let u2 = i2 - r;
    Atoms {
        redundancy: r,
        uniqueness_1: u1,
        uniqueness_2: u2,
        synergy: i12 - r - u1 - u2,
    }
}

/// The LSMI code's `RUS_adjustment` constant for the given mean atoms: positive
/// when R̄ or S̄ is negative (−min(R̄, S̄)), else negative when Ū1 or Ū2 is
/// (min(Ū1, Ū2)), else 0. One pass, strict comparisons, as the original.
pub fn adjustment(means: &Atoms) -> f64 {
    if means.redundancy < 0.0 || means.synergy < 0.0 {
        -means.redundancy.min(means.synergy)
    } else if means.uniqueness_1 < 0.0 || means.uniqueness_2 < 0.0 {
        means.uniqueness_1.min(means.uniqueness_2)
    } else {
        0.0
    }
}

/// Mean of weighted atoms: `Σ w·a / Σ w`.
pub(crate) fn weighted_mean<'a>(items: impl Iterator<Item = (f64, &'a Atoms)>) -> Atoms {
    let (mut r, mut u1, mut u2, mut s, mut total) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for (w, a) in items {
        r += w * a.redundancy;
        u1 += w * a.uniqueness_1;
        u2 += w * a.uniqueness_2;
        s += w * a.synergy;
        total += w;
    }
    if total == 0.0 {
        return Atoms::default();
    }
    Atoms {
        redundancy: r / total,
        uniqueness_1: u1 / total,
        uniqueness_2: u2 / total,
        synergy: s / total,
    }
}
