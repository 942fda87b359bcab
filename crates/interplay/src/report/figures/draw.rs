//! Drawing a [`Figure`]'s data with plotters into an SVG string. Only the look
//! lives here; what is drawn was decided when the data were built.

use plotters::coord::ranged1d::{KeyPointHint, NoDefaultFormatting, Ranged, ValueFormatter};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::{BarChart, Figure, FigureData, Heatmap, Histogram, Scatter, Waterfall, SIZE};
use crate::{Error, Result};

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type Drawn = std::result::Result<(), Box<dyn std::error::Error>>;

/// Colours of the series, in order (colour-blind-safe Okabe–Ito hues).
const PALETTE: [RGBColor; 6] = [
    RGBColor(0, 114, 178),
    RGBColor(230, 159, 0),
    RGBColor(0, 158, 115),
    RGBColor(213, 94, 0),
    RGBColor(204, 121, 167),
    RGBColor(86, 180, 233),
];
const UP: RGBColor = RGBColor(213, 94, 0);
const DOWN: RGBColor = RGBColor(0, 114, 178);
const NEUTRAL: RGBColor = RGBColor(120, 120, 120);
const FONT: &str = "sans-serif";

/// The figure as an SVG document.
pub(super) fn svg(fig: &Figure) -> Result<String> {
    let mut out = String::new();
    {
        let root = SVGBackend::with_string(&mut out, SIZE).into_drawing_area();
        let drawn: Drawn = (|| {
            root.fill(&WHITE)?;
            match &fig.data {
                FigureData::Bars(b) => bars(&root, &fig.title, b)?,
                FigureData::Histogram(h) => histogram(&root, &fig.title, h)?,
                FigureData::Scatter(s) => scatter(&root, &fig.title, s)?,
                FigureData::Heatmap(h) => heatmap(&root, &fig.title, h)?,
                FigureData::Waterfall(w) => waterfall(&root, &fig.title, w)?,
            }
            root.present()?;
            Ok(())
        })();
        drawn.map_err(|e| Error::invalid(format!("drawing figure {}: {e}", fig.id)))?;
    }
    Ok(out)
}

/// A value range covering `values` and 0, padded by 8 % so nothing touches the frame.
fn padded(values: impl Iterator<Item = f64>) -> std::ops::Range<f64> {
    let (lo, hi) = values
        .filter(|v| v.is_finite())
        .fold((0.0f64, 0.0f64), |(a, b), v| (a.min(v), b.max(v)));
    let span = (hi - lo).max(1e-9);
    (lo - 0.08 * span)..(hi + 0.08 * span)
}

/// The category name whose centre is at `x` (centres at 0.5, 1.5, …).
fn category(names: &[String], x: f64) -> String {
    let k = (x - 0.5).round();
    if k >= 0.0 && (k as usize) < names.len() {
        names[k as usize].clone()
    } else {
        String::new()
    }
}

/// A category axis: category k spans [k, k + 1], its name under its centre.
struct Categories(Vec<String>);

impl Ranged for Categories {
    type FormatOption = NoDefaultFormatting;
    type ValueType = f64;

    fn map(&self, value: &f64, limit: (i32, i32)) -> i32 {
        let n = self.0.len().max(1) as f64;
        limit.0 + (value / n * f64::from(limit.1 - limit.0)).round() as i32
    }

    fn key_points<Hint: KeyPointHint>(&self, _hint: Hint) -> Vec<f64> {
        (0..self.0.len()).map(|k| k as f64 + 0.5).collect()
    }

    fn range(&self) -> std::ops::Range<f64> {
        0.0..self.0.len().max(1) as f64
    }
}

impl ValueFormatter<f64> for Categories {
    fn format_ext(&self, value: &f64) -> String {
        category(&self.0, *value)
    }
}

/// A chart with one category per named bar along x and `y` along y, with the
/// title, margins, mesh and labels every bar-like figure shares.
fn category_chart<'a, 'b>(
    root: &'a Area<'b>,
    title: &str,
    names: Vec<String>,
    y: std::ops::Range<f64>,
    y_label: &str,
) -> std::result::Result<
    ChartContext<
        'a,
        SVGBackend<'b>,
        Cartesian2d<Categories, plotters::coord::types::RangedCoordf64>,
    >,
    Box<dyn std::error::Error>,
> {
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(70)
        .build_cartesian_2d(Categories(names), y)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .y_desc(y_label)
        .label_style((FONT, 13))
        .draw()?;
    Ok(chart)
}

fn centred(size: i32) -> TextStyle<'static> {
    TextStyle::from((FONT, size).into_font()).pos(Pos::new(HPos::Center, VPos::Bottom))
}

fn bars(root: &Area<'_>, title: &str, b: &BarChart) -> Drawn {
    let n = b.groups.len().max(1);
    let s = b.series.len().max(1);
    let names = b.groups.clone();
    let mut extents = Vec::new();
    for g in 0..b.groups.len() {
        let (mut up, mut down) = (0.0, 0.0);
        for k in 0..b.series.len() {
            let v = b.values[g][k];
            if !v.is_finite() {
                continue;
            }
            let base = if b.stacked {
                if v >= 0.0 {
                    up
                } else {
                    down
                }
            } else {
                0.0
            };
            extents.push(base + v);
            if let Some([lo, hi]) = b.intervals[g][k] {
                extents.extend([base + lo, base + hi]);
            }
            if b.stacked {
                if v >= 0.0 {
                    up += v;
                } else {
                    down += v;
                }
            }
        }
    }
    let y = padded(extents.into_iter());
    let mut chart = category_chart(root, title, names.clone(), y, &b.y_label)?;
    chart.draw_series(std::iter::once(PathElement::new(
        vec![(0.0, 0.0), (n as f64, 0.0)],
        BLACK.stroke_width(1),
    )))?;
    let width = if b.stacked { 0.5 } else { 0.8 / s as f64 };
    // Whiskers go on top of every bar (a stacked segment would hide the one below).
    let mut whiskers = Vec::new();
    for (k, name) in b.series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut rects = Vec::new();
        for g in 0..b.groups.len() {
            let v = b.values[g][k];
            if !v.is_finite() {
                continue;
            }
            let (x0, base) = if b.stacked {
                let below: f64 = b.values[g][..k]
                    .iter()
                    .filter(|u| u.is_finite() && (**u >= 0.0) == (v >= 0.0))
                    .sum();
                (g as f64 + 0.25, below)
            } else {
                (g as f64 + 0.1 + k as f64 * width, 0.0)
            };
            rects.push(Rectangle::new(
                [(x0, base), (x0 + width, base + v)],
                colour.filled(),
            ));
            if let Some([lo, hi]) = b.intervals[g][k] {
                let xc = if b.stacked {
                    x0 + width * (k as f64 + 0.5) / s as f64
                } else {
                    x0 + width / 2.0
                };
                let cap = 0.15 * width / if b.stacked { s as f64 } else { 1.0 };
                for path in [
                    vec![(xc, base + lo), (xc, base + hi)],
                    vec![(xc - cap, base + lo), (xc + cap, base + lo)],
                    vec![(xc - cap, base + hi), (xc + cap, base + hi)],
                ] {
                    whiskers.push(PathElement::new(path, BLACK.stroke_width(2)));
                }
            }
        }
        chart
            .draw_series(rects)?
            .label(name.as_str())
            .legend(move |(x, y)| Rectangle::new([(x, y - 6), (x + 12, y + 6)], colour.filled()));
    }
    chart.draw_series(whiskers)?;
    if !b.stacked && b.groups.len() * s <= 12 {
        let labels = (0..b.groups.len()).flat_map(|g| {
            (0..b.series.len()).filter_map(move |k| {
                let v = b.values[g][k];
                v.is_finite().then(|| {
                    let x = g as f64 + 0.1 + (k as f64 + 0.5) * width;
                    Text::new(format!("{v:.3}"), (x, v.max(0.0)), centred(12))
                })
            })
        });
        chart.draw_series(labels)?;
    }
    if b.series.len() > 1 {
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperRight)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK)
            .label_font((FONT, 13))
            .draw()?;
    }
    Ok(())
}

fn histogram(root: &Area<'_>, title: &str, h: &Histogram) -> Drawn {
    let (lo, hi) = (h.edges[0], h.edges[h.edges.len() - 1]);
    let top = h.counts.iter().copied().max().unwrap_or(1).max(1) as f64 * 1.1;
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(lo..hi, 0.0..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_desc(h.x_label.as_str())
        .y_desc("samples")
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series(h.counts.iter().enumerate().map(|(k, &c)| {
        Rectangle::new(
            [(h.edges[k], 0.0), (h.edges[k + 1], c as f64)],
            PALETTE[0].mix(0.75).filled(),
        )
    }))?;
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(h.mean, 0.0), (h.mean, top)],
            UP.stroke_width(2),
        )))?
        .label(format!("mean {:.4}", h.mean))
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 14, y)], UP.stroke_width(2)));
    chart
        .configure_series_labels()
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font((FONT, 13))
        .draw()?;
    Ok(())
}

fn scatter(root: &Area<'_>, title: &str, s: &Scatter) -> Drawn {
    let x = padded(s.points.iter().map(|p| p[0]));
    let y = padded(s.points.iter().map(|p| p[1]));
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20))
        .margin(14)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d(x.clone(), y.clone())?;
    chart
        .configure_mesh()
        .x_desc(s.x_label.as_str())
        .y_desc(s.y_label.as_str())
        .label_style((FONT, 13))
        .draw()?;
    chart.draw_series([
        PathElement::new(vec![(x.start, 0.0), (x.end, 0.0)], BLACK.stroke_width(1)),
        PathElement::new(vec![(0.0, y.start), (0.0, y.end)], BLACK.stroke_width(1)),
    ])?;
    chart.draw_series(
        s.points
            .iter()
            .map(|p| Circle::new((p[0], p[1]), 3, PALETTE[0].mix(0.45).filled())),
    )?;
    Ok(())
}

/// Blue for negative, white for zero, red for positive, scaled by `max_abs`.
fn diverging(v: f64, max_abs: f64) -> RGBColor {
    let t = (v / max_abs.max(1e-12)).clamp(-1.0, 1.0);
    let fade = |c: u8, w: f64| (c as f64 + (255.0 - c as f64) * w).round() as u8;
    let (base, w) = if t >= 0.0 {
        (UP, 1.0 - t)
    } else {
        (DOWN, 1.0 + t)
    };
    RGBColor(fade(base.0, w), fade(base.1, w), fade(base.2, w))
}

fn heatmap(root: &Area<'_>, title: &str, h: &Heatmap) -> Drawn {
    let m = h.labels.len().max(1);
    let max_abs = h
        .values
        .iter()
        .flatten()
        .fold(0.0f64, |a, v| a.max(v.abs()));
    // Row 0 at the top: row i is drawn at height m − 1 − i.
    let rows: Vec<String> = h.labels.iter().rev().cloned().collect();
    let mut chart = ChartBuilder::on(root)
        .caption(title, (FONT, 20))
        .margin(14)
        .x_label_area_size(36)
        .y_label_area_size(110)
        .build_cartesian_2d(Categories(h.labels.clone()), Categories(rows))?;
    chart
        .configure_mesh()
        .disable_mesh()
        .label_style((FONT, 13))
        .draw()?;
    for (i, row) in h.values.iter().enumerate() {
        let y = (m - 1 - i) as f64;
        chart.draw_series(row.iter().enumerate().map(|(j, &v)| {
            Rectangle::new(
                [(j as f64, y), (j as f64 + 1.0, y + 1.0)],
                diverging(v, max_abs).filled(),
            )
        }))?;
        chart.draw_series(row.iter().enumerate().map(|(j, &v)| {
            let style =
                TextStyle::from((FONT, 15).into_font()).pos(Pos::new(HPos::Center, VPos::Center));
            Text::new(format!("{v:+.4}"), (j as f64 + 0.5, y + 0.5), style)
        }))?;
    }
    Ok(())
}

fn waterfall(root: &Area<'_>, title: &str, w: &Waterfall) -> Drawn {
    let mut names = vec![w.start_label.clone()];
    names.extend(w.steps.iter().map(|s| s.label.clone()));
    names.push(w.end_label.clone());
    let mut levels = vec![w.start];
    for s in &w.steps {
        levels.push(levels[levels.len() - 1] + s.delta);
    }
    let y = padded(levels.iter().copied().chain([w.end]));
    let mut chart = category_chart(root, title, names.clone(), y, &w.y_label)?;
    let mut bars = vec![(0.0, w.start, NEUTRAL, format!("{:.4}", w.start))];
    for (k, s) in w.steps.iter().enumerate() {
        let colour = if s.delta >= 0.0 { UP } else { DOWN };
        bars.push((levels[k], levels[k + 1], colour, format!("{:+.4}", s.delta)));
    }
    bars.push((0.0, w.end, NEUTRAL, format!("{:.4}", w.end)));
    chart.draw_series(bars.iter().enumerate().map(|(k, (a, b, c, _))| {
        Rectangle::new([(k as f64 + 0.2, *a), (k as f64 + 0.8, *b)], c.filled())
    }))?;
    chart.draw_series(bars.iter().enumerate().map(|(k, (a, b, _, text))| {
        Text::new(text.clone(), (k as f64 + 0.5, a.max(*b)), centred(13))
    }))?;
    // Dotted connectors from each bar's end to the next bar's start.
    chart.draw_series(levels.iter().enumerate().map(|(k, &v)| {
        PathElement::new(
            vec![(k as f64 + 0.8, v), (k as f64 + 1.2, v)],
            BLACK.mix(0.6),
        )
    }))?;
    Ok(())
}
