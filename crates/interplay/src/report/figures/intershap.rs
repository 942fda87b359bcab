//! InterSHAP's figures: the Φ heatmap, waterfalls from the base value to the
//! prediction, pair shares and the spread of the local scores.

use super::{BarChart, Figure, FigureData, Heatmap, Histogram, Step, Waterfall};
use crate::report::samples::InterShapSamples;
use crate::report::InterShapOutput;
use crate::{Error, Result};

/// The steps of a waterfall over matrix `phi`: each modality's own effect
/// Φ_ii (`M1` … `Mk`), then `I`, the sum of every off-diagonal Φ_ij. They add
/// up to the matrix's sum, which is prediction − base value (efficiency).
fn steps(phi: &[Vec<f64>]) -> Vec<Step> {
    let mut out: Vec<Step> = phi
        .iter()
        .enumerate()
        .map(|(i, row)| Step {
            label: format!("M{}", i + 1),
            delta: row[i],
        })
        .collect();
    let interaction = phi
        .iter()
        .enumerate()
        .flat_map(|(i, row)| row.iter().enumerate().filter(move |(j, _)| *j != i))
        .map(|(_, v)| v)
        .sum();
    out.push(Step {
        label: "I".into(),
        delta: interaction,
    });
    out
}

fn legend(names: &[String]) -> String {
    names
        .iter()
        .enumerate()
        .map(|(i, n)| format!("M{} = {n}", i + 1))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The heatmap of the mean Φ, the dataset waterfall, the pair shares (M > 2),
/// and with per-sample values the local scores' histogram and the waterfalls of
/// the samples `selected` (positions in `samples`, see [`selected_samples`]).
pub fn intershap_figures(
    names: &[String],
    output: &InterShapOutput,
    space: &str,
    samples: Option<&InterShapSamples>,
    selected: &[(usize, String)],
) -> Vec<Figure> {
    let m = output.mean_matrix.len();
    let mut out = vec![
        Figure {
            id: "intershap-heatmap".into(),
            title: "InterSHAP: mean Φ".into(),
            caption: "Mean InterSHAP matrix over the explained samples: the diagonal holds each modality's own effect, the off-diagonal cells half of each pairwise interaction; red raises the explained output, blue lowers it.".into(),
            data: FigureData::Heatmap(Heatmap {
                labels: names.to_vec(),
                values: output.mean_matrix.clone(),
            }),
        },
        Figure {
            id: "intershap-waterfall".into(),
            title: "InterSHAP: from base value to prediction (dataset)".into(),
            caption: format!(
                "Mean over the explained samples: the base value v(∅), each modality's own effect, the cross-modal interactions I, and the mean prediction v(M) they reach ({}).",
                legend(names)
            ),
            data: FigureData::Waterfall(Waterfall {
                y_label: format!("output ({space})"),
                start_label: "base".into(),
                start: output.base_value,
                steps: steps(&output.mean_matrix),
                end_label: "prediction".into(),
                end: output.prediction,
            }),
        },
    ];
    if m > 2 {
        out.push(Figure {
            id: "intershap-pairs".into(),
            title: "InterSHAP: share of each pair".into(),
            caption: "Each pair's part of the behaviour explained by cross-modal interactions, with its interval when bootstrapped.".into(),
            data: FigureData::Bars(BarChart {
                y_label: "share of behaviour (fraction)".into(),
                groups: output
                    .pairs
                    .iter()
                    .map(|p| format!("M{}–M{}", p.modalities[0], p.modalities[1]))
                    .collect(),
                series: vec!["share".into()],
                values: output.pairs.iter().map(|p| vec![p.share]).collect(),
                intervals: output
                    .pairs
                    .iter()
                    .map(|p| vec![p.share_interval.map(|i| [i.lower, i.upper])])
                    .collect(),
                stacked: false,
            }),
        });
    }
    let Some(samples) = samples else {
        return out;
    };
    out.push(Figure {
        id: "intershap-local".into(),
        title: "InterSHAP: local scores".into(),
        caption: "How the share of each sample's behaviour that comes from interactions spreads over the explained samples.".into(),
        data: FigureData::Histogram(Histogram::of("local InterSHAP (fraction)", &samples.local, 30)),
    });
    out.extend(
        selected
            .iter()
            .map(|(a, why)| sample_waterfall(samples, *a, why, space)),
    );
    out
}

/// The waterfall of the sample at position `a` of `samples`; `why` says how it
/// was chosen.
pub fn sample_waterfall(samples: &InterShapSamples, a: usize, why: &str, space: &str) -> Figure {
    let index = samples.sample[a];
    Figure {
        id: format!("intershap-sample-{index}"),
        title: format!("InterSHAP: sample {index}"),
        caption: format!(
            "Sample {index} ({why}; local InterSHAP {:.1} %): from its base value to its prediction.",
            100.0 * samples.local[a]
        ),
        data: FigureData::Waterfall(Waterfall {
            y_label: format!("output ({space})"),
            start_label: "base".into(),
            start: samples.base_value[a],
            steps: steps(&samples.matrix[a]),
            end_label: "prediction".into(),
            end: samples.prediction[a],
        }),
    }
}

/// The samples to draw a waterfall for, as positions in `samples` with the
/// reason: the ones whose index is in `requested`, or without a request the
/// samples of highest and lowest local InterSHAP. An index that was not
/// explained is an error naming it.
pub fn selected_samples(
    samples: &InterShapSamples,
    requested: &[usize],
) -> Result<Vec<(usize, String)>> {
    if !requested.is_empty() {
        return requested
            .iter()
            .map(|&i| {
                samples
                    .sample
                    .iter()
                    .position(|&s| s == i)
                    .map(|a| (a, "asked for".to_string()))
                    .ok_or_else(|| {
                        Error::invalid(format!(
                            "sample {i} was not explained ({} samples, indices {}…{})",
                            samples.sample.len(),
                            samples.sample.iter().min().copied().unwrap_or(0),
                            samples.sample.iter().max().copied().unwrap_or(0)
                        ))
                    })
            })
            .collect();
    }
    let order = |cmp: fn(&f64, &f64) -> std::cmp::Ordering| {
        samples
            .local
            .iter()
            .enumerate()
            .filter(|(_, v)| v.is_finite())
            .max_by(|a, b| cmp(a.1, b.1))
            .map(|(a, _)| a)
    };
    let mut out = Vec::new();
    if let Some(a) = order(|a, b| a.total_cmp(b)) {
        out.push((a, "highest local interaction".to_string()));
    }
    if let Some(b) = order(|a, b| b.total_cmp(a)) {
        if out.first().map(|x| x.0) != Some(b) {
            out.push((b, "lowest local interaction".to_string()));
        }
    }
    Ok(out)
}
