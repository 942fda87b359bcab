//! The report's figures, drawn with plotters' SVG backend (the `figures` feature,
//! on by default in the command line and the Python wheel).
//!
//! Every figure is first a plain data value ([`FigureData`]: the bars, bins,
//! points, cells or steps it shows) built from a report or its per-sample values,
//! and only then a picture ([`Figure::svg`]). Keeping the two apart lets tests
//! check what a figure says against the JSON report (a waterfall's steps sum to
//! prediction − base value) without reading pixels, and every SVG carries the
//! same data as JSON in its `<metadata>` element, so a reader of the file can
//! check it too.
//!
//! The library draws into strings and never writes files: the command line
//! stages them through its transactional outputs, Python returns them.

mod draw;
mod intershap;
mod lsmi;
mod scores;

pub use self::intershap::{intershap_figures, sample_waterfall, selected_samples};
pub use self::lsmi::{lsmi_figures, top_samples, TopSamples};
pub use self::scores::{compare_figures, emap_figure, pid_figure, shape_figure};

use serde::Serialize;

use crate::Result;

/// Width and height, in pixels, of every figure.
pub const SIZE: (u32, u32) = (720, 420);

/// One figure of the report: a stable id (the file name under `--figures`), a
/// title, a caption saying how to read it, and the data it draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Figure {
    /// File-name-safe identifier, unique within a report (`lsmi-atoms`, …).
    pub id: String,
    /// Title drawn above the plot.
    pub title: String,
    /// One or two sentences under the figure in the HTML page.
    pub caption: String,
    /// What is drawn.
    pub data: FigureData,
}

/// What a figure draws.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FigureData {
    /// Bars per group, one per series, side by side or stacked.
    Bars(BarChart),
    /// Counts of values in equal-width bins.
    Histogram(Histogram),
    /// Points in a plane, each naming its sample.
    Scatter(Scatter),
    /// A matrix of values as coloured cells.
    Heatmap(Heatmap),
    /// A start value, signed steps and the end value they reach.
    Waterfall(Waterfall),
}

/// Grouped (or stacked) bars, optionally with an interval per bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BarChart {
    /// Label of the value axis.
    pub y_label: String,
    /// One name per group (a position on the category axis).
    pub groups: Vec<String>,
    /// One name per series (a colour, shown in the legend).
    pub series: Vec<String>,
    /// `values[group][series]`; `NaN` leaves the bar out.
    pub values: Vec<Vec<f64>>,
    /// `intervals[group][series]`: `[lower, upper]` of the value, when known.
    pub intervals: Vec<Vec<Option<[f64; 2]>>>,
    /// Stack the series of a group in one column (positive parts upward,
    /// negative parts downward) instead of placing them side by side.
    pub stacked: bool,
}

/// A histogram.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Histogram {
    /// What the values are.
    pub x_label: String,
    /// Bin edges, one more than the counts.
    pub edges: Vec<f64>,
    /// Values per bin (the last bin includes its upper edge).
    pub counts: Vec<usize>,
    /// Mean of the values (drawn as a vertical line).
    pub mean: f64,
}

impl Histogram {
    /// A histogram of `values` with `bins` equal-width bins over their range;
    /// non-finite values are left out.
    pub fn of(x_label: &str, values: &[f64], bins: usize) -> Self {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let bins = bins.max(1);
        let (lo, hi) = finite
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
                (a.min(v), b.max(v))
            });
        let (lo, hi) = if finite.is_empty() {
            (0.0, 1.0)
        } else if hi - lo < 1e-12 {
            (lo - 0.5, hi + 0.5)
        } else {
            (lo, hi)
        };
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0usize; bins];
        for v in &finite {
            let k = (((v - lo) / width) as usize).min(bins - 1);
            counts[k] += 1;
        }
        let mean = finite.iter().sum::<f64>() / finite.len().max(1) as f64;
        Histogram {
            x_label: x_label.to_string(),
            edges: (0..=bins).map(|k| lo + width * k as f64).collect(),
            counts,
            mean,
        }
    }
}

/// A scatter plot whose points are samples.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Scatter {
    /// Label of the horizontal axis.
    pub x_label: String,
    /// Label of the vertical axis.
    pub y_label: String,
    /// `[x, y]` per point.
    pub points: Vec<[f64; 2]>,
    /// The sample index of each point.
    pub indices: Vec<usize>,
}

/// A labelled square matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Heatmap {
    /// Row and column labels.
    pub labels: Vec<String>,
    /// `values[row][column]`.
    pub values: Vec<Vec<f64>>,
}

/// A waterfall: from `start`, each step adds its delta; the last bar is `end`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Waterfall {
    /// Label of the value axis.
    pub y_label: String,
    /// Label of the first bar (the base value).
    pub start_label: String,
    /// The base value.
    pub start: f64,
    /// The contributions, in drawing order.
    pub steps: Vec<Step>,
    /// Label of the last bar (the prediction).
    pub end_label: String,
    /// The prediction, which `start` plus the steps reach.
    pub end: f64,
}

/// One step of a [`Waterfall`].
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step {
    /// What contributes (`M1`, `I`, …).
    pub label: String,
    /// Its signed contribution.
    pub delta: f64,
}

impl Figure {
    /// The figure as a standalone SVG document, its data as JSON in `<metadata>`.
    pub fn svg(&self) -> Result<String> {
        let drawn = draw::svg(self)?;
        let data = serde_json::to_string(self)
            .map_err(|e| crate::Error::invalid(format!("figure {}: {e}", self.id)))?;
        Ok(with_metadata(&drawn, &data))
    }
}

/// `svg` with `<metadata>` holding `json` (XML-escaped) inserted as the first
/// child of the root element, and a `role="img"` for screen readers.
fn with_metadata(svg: &str, json: &str) -> String {
    let escaped = json
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    match svg
        .find("<svg")
        .and_then(|s| svg[s..].find('>').map(|e| s + e))
    {
        Some(end) => format!(
            "{} role=\"img\">\n<metadata class=\"interplay-figure-data\">{escaped}</metadata>{}",
            &svg[..end],
            &svg[end + 1..]
        ),
        None => svg.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_counts_every_finite_value_once() {
        let h = Histogram::of("r", &[0.0, 0.5, 1.0, 1.0, f64::NAN], 4);
        assert_eq!(h.counts.iter().sum::<usize>(), 4);
        assert_eq!(h.edges.len(), 5);
        assert_eq!(h.counts[3], 2, "the top edge belongs to the last bin");
        assert!((h.mean - 0.625).abs() < 1e-12);
    }

    #[test]
    fn metadata_goes_inside_the_root_element() {
        let out = with_metadata("<svg width=\"1\">\n<rect/></svg>", "{\"a\":\"<b>\"}");
        assert!(out.starts_with("<svg width=\"1\" role=\"img\">\n<metadata"));
        assert!(out.contains("&lt;b&gt;"));
        assert!(out.ends_with("<rect/></svg>"));
    }
}
