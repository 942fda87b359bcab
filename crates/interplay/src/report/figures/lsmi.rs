//! LSMI's figures: the dataset atoms, and how the per-sample atoms spread.

use super::{BarChart, Figure, FigureData, Histogram, Scatter};
use crate::lsmi::Atoms;
use crate::report::samples::{LsmiPairSamples, LsmiSamples};
use crate::report::LsmiReport;

/// Bins of the per-sample histograms.
const BINS: usize = 30;

/// Reads one atom of a sample.
type Getter = fn(&Atoms) -> f64;

/// Atom names as the per-sample tables spell them, long names, and accessors.
const ATOMS: [(&str, &str, Getter); 4] = [
    ("r", "redundancy", |a| a.redundancy),
    ("u1", "uniqueness 1", |a| a.uniqueness_1),
    ("u2", "uniqueness 2", |a| a.uniqueness_2),
    ("s", "synergy", |a| a.synergy),
];

fn pair_name(m: [usize; 2]) -> String {
    format!("M{}–M{}", m[0], m[1])
}

/// The dataset atoms of every pair as a stacked bar with their intervals, then
/// per pair (when per-sample values are given) a histogram of each atom and the
/// map of samples by redundancy and synergy.
pub fn lsmi_figures(report: &LsmiReport, samples: Option<&LsmiSamples>) -> Vec<Figure> {
    let units = &report.provenance.units;
    let mut out = vec![Figure {
        id: "lsmi-atoms".into(),
        title: "LSMI: mean atoms per pair".into(),
        caption: format!(
            "Adjusted mean redundancy R, uniquenesses U1, U2 and synergy S of each pair, stacked (they add up to I(X1,X2;Y)); whiskers are the {} % intervals of each atom.",
            100.0 * report.settings.confidence
        ),
        data: FigureData::Bars(BarChart {
            y_label: format!("mean atom ({units})"),
            groups: report.pairs.iter().map(|p| pair_name(p.modalities)).collect(),
            series: vec!["R".into(), "U1".into(), "U2".into(), "S".into()],
            values: report
                .pairs
                .iter()
                .map(|p| ATOMS.iter().map(|(_, _, get)| get(&p.adjusted)).collect())
                .collect(),
            intervals: report
                .pairs
                .iter()
                .map(|p| {
                    p.adjusted_interval
                        .to_array()
                        .iter()
                        .map(|i| Some([i.lower, i.upper]))
                        .collect()
                })
                .collect(),
            stacked: true,
        }),
    }];
    for pair in samples.map_or(&[][..], |s| &s.pairs[..]) {
        let tag = format!("{}-{}", pair.modalities[0], pair.modalities[1]);
        for (short, long, get) in ATOMS {
            let values: Vec<f64> = pair.atoms.iter().map(get).collect();
            out.push(Figure {
                id: format!("lsmi-{tag}-hist-{short}"),
                title: format!("{}: per-sample {long} {short}", pair_name(pair.modalities)),
                caption: format!(
                    "How the {} samples' pointwise {long} spreads; the line is its mean.",
                    values.len()
                ),
                data: FigureData::Histogram(Histogram::of(
                    &format!("{short} ({units})"),
                    &values,
                    BINS,
                )),
            });
        }
        out.push(Figure {
            id: format!("lsmi-{tag}-map"),
            title: format!("{}: samples by redundancy and synergy", pair_name(pair.modalities)),
            caption: "Each point is a sample: to the right, its modalities carry the same information about the label; upwards, the label needs them together.".into(),
            data: FigureData::Scatter(Scatter {
                x_label: format!("redundancy r ({units})"),
                y_label: format!("synergy s ({units})"),
                points: pair.atoms.iter().map(|a| [a.redundancy, a.synergy]).collect(),
                indices: pair.index.clone(),
            }),
        });
    }
    out
}

/// The samples with the largest value of one atom.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TopSamples {
    /// The pair, counted from 1.
    pub modalities: [usize; 2],
    /// The atom (`r`, `u1`, `u2` or `s`).
    pub atom: String,
    /// `(sample index, value)`, largest first.
    pub rows: Vec<(usize, f64)>,
}

/// For each pair and atom, the `k` samples where the atom is largest: the most
/// redundant, most unique and most synergistic samples.
pub fn top_samples(samples: &LsmiSamples, k: usize) -> Vec<TopSamples> {
    samples
        .pairs
        .iter()
        .flat_map(|pair: &LsmiPairSamples| {
            ATOMS.map(|(short, _, get)| {
                let mut rows: Vec<(usize, f64)> = pair
                    .index
                    .iter()
                    .zip(&pair.atoms)
                    .map(|(&i, a)| (i, get(a)))
                    .filter(|(_, v)| v.is_finite())
                    .collect();
                rows.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
                rows.truncate(k);
                TopSamples {
                    modalities: pair.modalities,
                    atom: short.to_string(),
                    rows,
                }
            })
        })
        .collect()
}
