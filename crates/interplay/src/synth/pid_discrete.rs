//! Canonical discrete distributions with known partial information
//! decompositions (LSMI/PID spec §6.1 and §7), and sampling from any
//! [`JointTable`] into integer columns or a one-hot [`Dataset`], so the PID and
//! LSMI estimators can be checked against exact answers.
//!
//! Alphabets are integer-coded; a pair of bits (a, b) is coded 2a + b. Inputs
//! that are bits are independent and fair unless stated. Ground truth, BROJA
//! (R, U1, U2, S) in **bits** (see [`CanonicalCase::broja_bits`]):
//!
//! | name | X1 | X2 | Y | BROJA (R, U1, U2, S) |
//! |---|---|---|---|---|
//! | XOR | a | b | a⊕b | (0, 0, 0, 1) |
//! | AND | a | b | a∧b | (0.311278, 0, 0, 0.5) |
//! | OR | a | b | a∨b | (0.311278, 0, 0, 0.5) |
//! | RDN | a | a | a | (1, 0, 0, 0) |
//! | UNQ1 | a | b | a | (0, 1, 0, 0) |
//! | UNQ2 | a | b | b | (0, 0, 1, 0) |
//! | SUM | a | b | a+b | (0.5, 0, 0, 1) |
//! | COPY | a | b | (a,b) | (0, 1, 1, 0) |
//! | RDNXOR | (r,a) | (r,b) | (r, a⊕b) | (1, 0, 0, 1) |
//! | REDUNDANT_AND_UNIQUE1 | (a,b) | b | a∧b | (0.311278, 0.5, 0, 0) |
//! | REDUNDANT_OR_UNIQUE1 | (a,b) | b | a∨b | (0.311278, 0.5, 0, 0) |
//! | REDUNDANT_XOR_UNIQUE1 | (a,b) | b | a⊕b | (0, 1, 0, 0) |
//!
//! Liang et al.'s bitwise names are aliases: `and`, `or`, `xor`, `unique1`
//! (= UNQ1), `redundant` (= RDN). Names are matched ignoring case, `-` and `_`.
//!
//! Why the less common values hold: OR is AND with every bit flipped, and the
//! BROJA atoms are invariant under relabelling. COPY: Y determines both
//! inputs, and BROJA's optimum makes X1 and X2 independent given Y, leaving no
//! redundancy or synergy. RDNXOR: the shared bit r is one bit of redundancy
//! and a⊕b one bit of synergy. In the `redundant_*_unique1` cases X2 is a
//! function of X1, so I(X1,X2;Y) = I(X1;Y): synergy and U2 vanish, R = I(X2;Y)
//! and U1 = I(X1;Y) − I(X2;Y).

use ndarray::Array2;
use rand::distributions::WeightedIndex;
use rand::Rng;

use crate::data::{Dataset, Split};
use crate::discrete::JointTable;
use crate::rng::{seeded, stream_id};
use crate::{Error, Result};

/// log2(3), for the closed forms of AND and OR.
const LOG2_3: f64 = 1.584_962_500_721_156_3;

/// A pmf as (x1, x2, y, p) entries.
type Entries = Vec<(usize, usize, usize, f64)>;

/// A named canonical distribution and its BROJA decomposition.
#[derive(Debug, Clone, Copy)]
pub struct CanonicalCase {
    /// Canonical (upper-case) name.
    pub name: &'static str,
    /// What the sources and target are.
    pub description: &'static str,
    /// The exact BROJA PID (R, U1, U2, S) in bits.
    pub broja_bits: [f64; 4],
    /// Builds the pmf as (x1, x2, y, p) entries.
    entries: fn() -> Entries,
}

impl CanonicalCase {
    /// The joint table p(x1, x2, y).
    pub fn table(&self) -> JointTable {
        // The entries are fixed, non-empty and non-negative, so this cannot fail.
        JointTable::from_entries(&(self.entries)()).expect("canonical tables are valid")
    }

    /// The BROJA decomposition in nats.
    pub fn broja_nats(&self) -> [f64; 4] {
        self.broja_bits.map(|b| b * std::f64::consts::LN_2)
    }
}

/// Uniform pmf over two fair input bits (a, b) with the given coding.
fn two_bits(f: fn(usize, usize) -> (usize, usize, usize)) -> Entries {
    let mut out = Vec::with_capacity(4);
    for a in 0..2 {
        for b in 0..2 {
            let (x1, x2, y) = f(a, b);
            out.push((x1, x2, y, 0.25));
        }
    }
    out
}

/// AND/OR redundancy: 3/2 − (3/4)·log2 3 bits.
const AND_R: f64 = 1.5 - 0.75 * LOG2_3;

/// Every canonical case, in a fixed order.
pub const CANONICAL: &[CanonicalCase] = &[
    CanonicalCase {
        name: "XOR",
        description: "X1 = a, X2 = b, Y = a xor b",
        broja_bits: [0.0, 0.0, 0.0, 1.0],
        entries: || two_bits(|a, b| (a, b, a ^ b)),
    },
    CanonicalCase {
        name: "AND",
        description: "X1 = a, X2 = b, Y = a and b",
        broja_bits: [AND_R, 0.0, 0.0, 0.5],
        entries: || two_bits(|a, b| (a, b, a & b)),
    },
    CanonicalCase {
        name: "OR",
        description: "X1 = a, X2 = b, Y = a or b",
        broja_bits: [AND_R, 0.0, 0.0, 0.5],
        entries: || two_bits(|a, b| (a, b, a | b)),
    },
    CanonicalCase {
        name: "RDN",
        description: "X1 = X2 = Y = a",
        broja_bits: [1.0, 0.0, 0.0, 0.0],
        entries: || vec![(0, 0, 0, 0.5), (1, 1, 1, 0.5)],
    },
    CanonicalCase {
        name: "UNQ1",
        description: "X1 = a, X2 = b, Y = a",
        broja_bits: [0.0, 1.0, 0.0, 0.0],
        entries: || two_bits(|a, b| (a, b, a)),
    },
    CanonicalCase {
        name: "UNQ2",
        description: "X1 = a, X2 = b, Y = b",
        broja_bits: [0.0, 0.0, 1.0, 0.0],
        entries: || two_bits(|a, b| (a, b, b)),
    },
    CanonicalCase {
        name: "SUM",
        description: "X1 = a, X2 = b, Y = a + b",
        broja_bits: [0.5, 0.0, 0.0, 1.0],
        entries: || two_bits(|a, b| (a, b, a + b)),
    },
    CanonicalCase {
        name: "COPY",
        description: "X1 = a, X2 = b, Y = (a, b) coded 2a + b",
        broja_bits: [0.0, 1.0, 1.0, 0.0],
        entries: || two_bits(|a, b| (a, b, 2 * a + b)),
    },
    CanonicalCase {
        name: "RDNXOR",
        description: "X1 = (r, a), X2 = (r, b), Y = (r, a xor b), pairs coded 2r + bit",
        broja_bits: [1.0, 0.0, 0.0, 1.0],
        entries: || {
            let mut out = Vec::with_capacity(8);
            for r in 0..2 {
                for a in 0..2 {
                    for b in 0..2 {
                        out.push((2 * r + a, 2 * r + b, 2 * r + (a ^ b), 0.125));
                    }
                }
            }
            out
        },
    },
    CanonicalCase {
        name: "REDUNDANT_AND_UNIQUE1",
        description: "X1 = (a, b) coded 2a + b, X2 = b, Y = a and b",
        broja_bits: [AND_R, 0.5, 0.0, 0.0],
        entries: || two_bits(|a, b| (2 * a + b, b, a & b)),
    },
    CanonicalCase {
        name: "REDUNDANT_OR_UNIQUE1",
        description: "X1 = (a, b) coded 2a + b, X2 = b, Y = a or b",
        broja_bits: [AND_R, 0.5, 0.0, 0.0],
        entries: || two_bits(|a, b| (2 * a + b, b, a | b)),
    },
    CanonicalCase {
        name: "REDUNDANT_XOR_UNIQUE1",
        description: "X1 = (a, b) coded 2a + b, X2 = b, Y = a xor b",
        broja_bits: [0.0, 1.0, 0.0, 0.0],
        entries: || two_bits(|a, b| (2 * a + b, b, a ^ b)),
    },
];

/// Accepted aliases (Liang et al.'s bitwise dataset names) and the canonical
/// name each stands for.
const ALIASES: &[(&str, &str)] = &[("UNIQUE1", "UNQ1"), ("REDUNDANT", "RDN")];

/// Upper-case, without `-`, `_` or spaces, so `redundant_and_unique1`,
/// `Redundant-And-Unique1` and `REDUNDANTANDUNIQUE1` match.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '-' | '_' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// The canonical case called `name` (case-insensitive, aliases accepted).
pub fn canonical_case(name: &str) -> Result<&'static CanonicalCase> {
    let key = normalise(name);
    let key = ALIASES
        .iter()
        .find(|(alias, _)| normalise(alias) == key)
        .map_or(key.clone(), |(_, target)| normalise(target));
    CANONICAL
        .iter()
        .find(|c| normalise(c.name) == key)
        .ok_or_else(|| {
            Error::invalid(format!(
                "unknown canonical distribution '{name}' (known: {})",
                canonical_names().join(", ")
            ))
        })
}

/// The joint table of the canonical case called `name`.
pub fn canonical(name: &str) -> Result<JointTable> {
    canonical_case(name).map(CanonicalCase::table)
}

/// Canonical names, then the aliases, lower-case as the command line shows them.
pub fn canonical_names() -> Vec<String> {
    CANONICAL
        .iter()
        .map(|c| c.name)
        .chain(ALIASES.iter().map(|a| a.0))
        .map(str::to_ascii_lowercase)
        .collect()
}

/// Integer-coded samples (x1, x2, y), one entry per sample in each column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscreteSamples {
    /// Values of X1 in `0..|X1|`.
    pub x1: Vec<usize>,
    /// Values of X2 in `0..|X2|`.
    pub x2: Vec<usize>,
    /// Values of Y in `0..|Y|`.
    pub y: Vec<usize>,
}

/// Draw `n` i.i.d. samples from `table`.
pub fn sample(table: &JointTable, n: usize, rng: &mut impl Rng) -> Result<DiscreteSamples> {
    let [_, n2, ny] = table.shape();
    let cells = WeightedIndex::new(table.probabilities())
        .map_err(|e| Error::invalid(format!("cannot sample from the joint table: {e}")))?;
    let mut out = DiscreteSamples {
        x1: Vec::with_capacity(n),
        x2: Vec::with_capacity(n),
        y: Vec::with_capacity(n),
    };
    for _ in 0..n {
        let cell = rng.sample(&cells);
        out.x1.push(cell / (n2 * ny));
        out.x2.push((cell / ny) % n2);
        out.y.push(cell % ny);
    }
    Ok(out)
}

/// Draw `n` samples from `table` with the stream `seed`/`label`, so the same
/// seed and label always give the same samples.
pub fn sample_seeded(
    table: &JointTable,
    n: usize,
    seed: u64,
    label: &str,
) -> Result<DiscreteSamples> {
    sample(
        table,
        n,
        &mut seeded(seed, stream_id(&format!("synth-pid-discrete-{label}"))),
    )
}

/// One-hot rows (`n × width`, f32) for integer codes.
pub fn one_hot(codes: &[usize], width: usize) -> Result<Array2<f32>> {
    let mut out = Array2::zeros((codes.len(), width));
    for (i, &c) in codes.iter().enumerate() {
        if c >= width {
            return Err(Error::invalid(format!(
                "code {c} does not fit a one-hot width of {width}"
            )));
        }
        out[[i, c]] = 1.0;
    }
    Ok(out)
}

/// The extra key under which sampled splits keep the integer codes of (x1, x2)
/// (an N × 2 f32 array), so discrete estimators need not decode the one-hots.
pub const CODES_KEY: &str = "codes";

/// Samples as a split: modality 1 is one-hot(x1) (width |X1|), modality 2 is
/// one-hot(x2) (width |X2|), labels are y, and [`CODES_KEY`] holds (x1, x2).
pub fn samples_to_split(table: &JointTable, samples: &DiscreteSamples) -> Result<Split> {
    let [n1, n2, _] = table.shape();
    let split = Split::new(
        vec![one_hot(&samples.x1, n1)?, one_hot(&samples.x2, n2)?],
        Some(samples.y.clone()),
    )?;
    let codes = Array2::from_shape_fn((samples.x1.len(), 2), |(i, j)| {
        (if j == 0 { samples.x1[i] } else { samples.x2[i] }) as f32
    });
    split.with_extra(CODES_KEY, codes)
}

/// What the command line and Python sample when not told otherwise: a canonical
/// distribution and the size of each split of [`sample_dataset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscreteSampling {
    /// Name of the canonical distribution (case-insensitive, see [`canonical_case`]).
    pub distribution: String,
    /// Samples in `train`.
    pub n_train: usize,
    /// Samples in `val` (0 leaves the split out).
    pub n_val: usize,
    /// Samples in `test` (0 leaves the split out).
    pub n_test: usize,
}

impl Default for DiscreteSampling {
    /// 1000 training samples of XOR.
    fn default() -> Self {
        DiscreteSampling {
            distribution: "xor".into(),
            n_train: 1000,
            n_val: 0,
            n_test: 0,
        }
    }
}

/// A dataset of `train`, `val` and `test` splits sampled from `table`, each from
/// its own stream of `seed` (a split with 0 samples is left out).
pub fn sample_dataset(
    table: &JointTable,
    n_train: usize,
    n_val: usize,
    n_test: usize,
    seed: u64,
) -> Result<Dataset> {
    crate::params::generated_size(
        n_train.saturating_add(n_val).saturating_add(n_test),
        table.shape().iter().sum(),
    )?;
    if n_train + n_val + n_test == 0 {
        return Err(Error::invalid("asked for 0 samples in every split"));
    }
    let mut dataset = Dataset::default();
    for (name, n) in [("train", n_train), ("val", n_val), ("test", n_test)] {
        if n > 0 {
            let samples = sample_seeded(table, n, seed, name)?;
            dataset
                .splits
                .insert(name.into(), samples_to_split(table, &samples)?);
        }
    }
    Ok(dataset)
}

/// The table as CSV text with header `x1,x2,y,p`, one row per cell (zeros
/// included, so the alphabet sizes survive a round trip), p as the shortest
/// decimal that reads back as the same f64.
pub fn table_to_csv(table: &JointTable) -> String {
    let [n1, n2, ny] = table.shape();
    let mut out = String::from("x1,x2,y,p\n");
    for a in 0..n1 {
        for b in 0..n2 {
            for y in 0..ny {
                out.push_str(&format!("{a},{b},{y},{}\n", table.get(a, b, y)));
            }
        }
    }
    out
}
