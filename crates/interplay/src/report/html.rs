//! The report as one self-contained HTML page (the `figures` feature): inline
//! SVG figures, inline CSS, no script and no external resource, so it reads the
//! same offline, in a mail attachment or on paper.
//!
//! [`ReportContent`] gathers what a page shows (reports, their per-sample values
//! where available, notes); [`render`] draws it. Numbers come only from the
//! reports and their figures, never recomputed here.

use std::fmt::Write as _;

use super::figures::{
    compare_figures, intershap_figures, lsmi_figures, selected_samples, top_samples, Figure,
};
use super::samples::{InterShapSamples, LsmiSamples};
use super::{
    CompareReport, EmapReport, InterShapOutput, InterShapReport, LsmiReport, PidReport, Provenance,
    ShapeReport,
};
use crate::Result;

/// Samples listed per atom in the LSMI top-k tables.
pub const TOP_K: usize = 5;

/// Everything one report page shows. Absent parts are left out of the page;
/// figures that need per-sample values are replaced by a note when only the
/// report is given.
#[derive(Debug, Clone, Default)]
pub struct ReportContent {
    /// Heading of the page.
    pub title: String,
    /// Where the numbers came from (the command run, or the files read).
    pub sources: Vec<String>,
    /// LSMI of the labelled data.
    pub lsmi: Option<LsmiReport>,
    /// LSMI's per-sample atoms.
    pub lsmi_samples: Option<LsmiSamples>,
    /// InterSHAP of the model.
    pub intershap: Option<InterShapReport>,
    /// InterSHAP's per-sample values.
    pub intershap_samples: Option<InterShapSamples>,
    /// PID decompositions, by what they decompose (`model`, `labels`, …).
    pub pid: Vec<(String, PidReport)>,
    /// EMAP of the model.
    pub emap: Option<EmapReport>,
    /// SHAPE of the model.
    pub shape: Option<ShapeReport>,
    /// A comparison read from a file; its parts fill the slots above that are empty.
    pub compare: Option<CompareReport>,
    /// Sample indices whose InterSHAP waterfalls to draw (empty: the samples of
    /// highest and lowest local interaction).
    pub samples: Vec<usize>,
    /// Notes about the page itself (what was left out and why).
    pub notes: Vec<String>,
}

/// The InterSHAP explanation shown: the report's first output, or the comparison's.
struct InterShapView<'a> {
    names: Vec<String>,
    output: &'a InterShapOutput,
    space: String,
    provenance: &'a Provenance,
    settings: serde_json::Value,
    warnings: &'a [String],
}

impl ReportContent {
    fn intershap_view(&self) -> Option<InterShapView<'_>> {
        if let Some(r) = &self.intershap {
            return r.outputs.first().map(|output| InterShapView {
                names: r.modality_names.clone(),
                output,
                space: r.settings.space.clone(),
                provenance: &r.provenance,
                settings: serde_json::to_value(&r.settings).unwrap_or_default(),
                warnings: &r.warnings,
            });
        }
        self.compare.as_ref().map(|c| InterShapView {
            names: (1..=c.intershap.output.mean_shapley.len())
                .map(|k| format!("modality_{k}"))
                .collect(),
            output: &c.intershap.output,
            space: c.intershap.settings.space.clone(),
            provenance: &c.provenance,
            settings: serde_json::to_value(&c.intershap.settings).unwrap_or_default(),
            warnings: &[],
        })
    }

    fn pids(&self) -> Vec<(String, PidReport)> {
        match (&self.compare, self.pid.is_empty()) {
            (Some(c), true) => vec![
                ("model".into(), c.pid_model.clone()),
                ("labels".into(), c.pid_labels.clone()),
            ],
            _ => self.pid.clone(),
        }
    }

    fn emap(&self) -> Option<&EmapReport> {
        self.emap
            .as_ref()
            .or_else(|| self.compare.as_ref().and_then(|c| c.emap.as_ref()))
    }

    fn shape(&self) -> Option<&ShapeReport> {
        self.shape
            .as_ref()
            .or_else(|| self.compare.as_ref().map(|c| &c.shape))
    }

    /// Every figure of the page, in page order: LSMI, InterSHAP, then the other
    /// scores. Fails when a requested sample was not explained.
    pub fn figures(&self) -> Result<Vec<Figure>> {
        let mut out = Vec::new();
        if let Some(r) = &self.lsmi {
            out.extend(lsmi_figures(r, self.lsmi_samples.as_ref()));
        }
        let view = self.intershap_view();
        if let Some(v) = &view {
            let selected = match &self.intershap_samples {
                Some(s) => selected_samples(s, &self.samples)?,
                None => Vec::new(),
            };
            out.extend(intershap_figures(
                &v.names,
                v.output,
                &v.space,
                self.intershap_samples.as_ref(),
                &selected,
            ));
        }
        out.extend(compare_figures(
            view.as_ref().map(|v| v.output),
            &self.pids(),
            self.emap(),
            self.shape(),
        ));
        Ok(out)
    }
}

/// Escape text for HTML element content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

const STYLE: &str = "
body { font-family: 'DejaVu Sans', Helvetica, Arial, sans-serif; color: #222; max-width: 1100px; margin: 0 auto; padding: 1.5em; line-height: 1.45; }
h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 2px solid #0072b2; padding-bottom: 0.2em; margin-top: 2em; }
nav a { margin-right: 1em; } .muted { color: #666; }
figure { margin: 1.2em 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { max-width: 100%; height: auto; border: 1px solid #ddd; }
figcaption { font-size: 0.92em; color: #444; max-width: 720px; }
.grid { display: flex; flex-wrap: wrap; gap: 0 1.2em; } .grid figure { width: 520px; }
table { border-collapse: collapse; margin: 0.8em 0; font-size: 0.92em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: left; vertical-align: top; }
th { background: #f0f4f8; } td.num { text-align: right; font-variant-numeric: tabular-nums; }
.warning { background: #fff4e5; border-left: 4px solid #e69f00; padding: 0.4em 0.8em; margin: 0.4em 0; }
.note { background: #eef5fb; border-left: 4px solid #0072b2; padding: 0.4em 0.8em; margin: 0.4em 0; }
.tops { display: flex; flex-wrap: wrap; gap: 0 1.2em; }
@media print { nav { display: none; } body { max-width: none; padding: 0; } h2 { break-after: avoid; } }
";

/// The drawn figures of a page, looked up by id while its sections are written.
struct Drawn<'a> {
    svgs: Vec<(&'a Figure, String)>,
}

impl Drawn<'_> {
    /// `<figure>` with the inline SVG and caption of figure `id` (empty when absent).
    fn one(&self, id: &str) -> String {
        self.svgs
            .iter()
            .find(|(f, _)| f.id == id)
            .map(|(f, svg)| {
                format!(
                    "<figure id=\"fig-{}\">{}<figcaption>{}</figcaption></figure>\n",
                    escape(&f.id),
                    svg,
                    escape(&f.caption)
                )
            })
            .unwrap_or_default()
    }

    /// Every figure whose id starts with `prefix`, side by side.
    fn grid(&self, prefix: &str) -> String {
        let inner: String = self
            .svgs
            .iter()
            .filter(|(f, _)| f.id.starts_with(prefix))
            .map(|(f, _)| self.one(&f.id))
            .collect();
        format!("<div class=\"grid\">{inner}</div>\n")
    }
}

/// What the settings section lists per analysis: name, provenance, settings.
type Provenances = Vec<(&'static str, Provenance, serde_json::Value)>;

/// The page as one HTML document.
pub fn render(content: &ReportContent) -> Result<String> {
    let figures = content.figures()?;
    let mut svgs = Vec::with_capacity(figures.len());
    for f in &figures {
        svgs.push((f, f.svg()?));
    }
    let drawn = Drawn { svgs };
    let mut body = String::new();
    let mut nav = Vec::new();
    let mut provenance = Provenances::new();
    let mut warnings: Vec<String> = Vec::new();
    if let Some(r) = &content.lsmi {
        nav.push(("lsmi", "LSMI"));
        body.push_str(&lsmi_section(r, content.lsmi_samples.as_ref(), &drawn));
        provenance.push(("LSMI", r.provenance.clone(), to_json(&r.settings)));
        warnings.extend(r.warnings.iter().map(|w| format!("LSMI: {w}")));
    }
    if let Some(v) = content.intershap_view() {
        nav.push(("intershap", "InterSHAP"));
        body.push_str(&intershap_section(content, &v, &drawn));
        provenance.push(("InterSHAP", v.provenance.clone(), v.settings.clone()));
        warnings.extend(v.warnings.iter().map(|w| format!("InterSHAP: {w}")));
    }
    let pids = content.pids();
    let (emap, shape) = (content.emap(), content.shape());
    if !pids.is_empty() || emap.is_some() || shape.is_some() {
        nav.push(("scores", "PID, EMAP, SHAPE"));
        body.push_str("<section id=\"scores\"><h2>PID, EMAP and SHAPE</h2>\n");
        body.push_str(&drawn.one("scores"));
        let parts = ["pid-atoms", "emap", "shape"]
            .map(|id| drawn.one(id))
            .concat();
        let _ = writeln!(body, "<div class=\"grid\">{parts}</div>\n</section>");
        for (name, r) in &pids {
            provenance.push(("PID", r.provenance.clone(), to_json(&r.source)));
            warnings.extend(r.warnings.iter().map(|w| format!("PID of the {name}: {w}")));
        }
        if let Some(e) = emap {
            let settings = serde_json::json!({
                "n_samples": e.n_samples,
                "subsample": e.subsample,
                "projected_scores": e.projected_scores,
            });
            provenance.push(("EMAP", e.provenance.clone(), settings));
            warnings.extend(e.warnings.iter().map(|w| format!("EMAP: {w}")));
        }
        if let Some(s) = shape {
            let settings = serde_json::json!({
                "metric": s.performance.metric,
                "background_rows": s.output.background_rows,
            });
            provenance.push(("SHAPE", s.provenance.clone(), settings));
            warnings.extend(s.warnings.iter().map(|w| format!("SHAPE: {w}")));
        }
    }
    if let Some(c) = &content.compare {
        warnings.extend(c.warnings.iter().map(|w| format!("compare: {w}")));
    }
    nav.push(("settings", "Settings"));
    body.push_str(&settings_section(&warnings, &content.notes, &provenance));
    let sources: String = content
        .sources
        .iter()
        .map(|s| format!("<li><code>{}</code></li>", escape(s)))
        .collect();
    let nav: String = nav
        .iter()
        .map(|(id, name)| format!("<a href=\"#{id}\">{name}</a>"))
        .collect();
    let version = env!("CARGO_PKG_VERSION");
    let title = escape(&content.title);
    Ok(format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"interplay {version}\">\n\
         <title>{title}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><h1>{title}</h1>\n<p class=\"muted\">Written by interplay {version}. From:</p>\
         <ul>{sources}</ul>\n<nav>{nav}</nav></header>\n{body}</body>\n</html>\n"
    ))
}

fn to_json(v: &impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(v).unwrap_or_default()
}

fn lsmi_section(r: &LsmiReport, samples: Option<&LsmiSamples>, drawn: &Drawn<'_>) -> String {
    let mut out = format!(
        "<section id=\"lsmi\"><h2>LSMI: redundancy, uniqueness and synergy of the data</h2>\n\
         <p>{} rows ({}), {} classes, in {}.</p>\n",
        r.n,
        escape(&r.evaluated),
        r.n_classes,
        escape(&r.provenance.units)
    );
    out.push_str(&lsmi_table(r));
    out.push_str(&drawn.one("lsmi-atoms"));
    match samples {
        Some(samples) => {
            for pair in &samples.pairs {
                let tag = format!("lsmi-{}-{}-", pair.modalities[0], pair.modalities[1]);
                out.push_str(&drawn.grid(&format!("{tag}hist")));
                out.push_str(&drawn.one(&format!("{tag}map")));
            }
            out.push_str(&top_table(samples));
        }
        None => out.push_str(&note(
            "Per-sample histograms, the map of samples and the top samples need LSMI's \
             per-sample values (give the `--per-sample` file of `interplay lsmi` to `--from`).",
        )),
    }
    out.push_str("</section>\n");
    out
}

fn intershap_section(content: &ReportContent, v: &InterShapView<'_>, drawn: &Drawn<'_>) -> String {
    let o = v.output;
    let global = o.global_interval.map_or_else(
        || format!("{:.2} %", o.global_percent),
        |i| i.format_percent(o.global, 2),
    );
    let mut out = format!(
        "<section id=\"intershap\"><h2>InterSHAP: how much of the model's behaviour is cross-modal</h2>\n\
         <p>Global InterSHAP <strong>{}</strong> (output {}, {} space); local scores {:.2} % ± {:.2}; \
         base value {:.4}, mean prediction {:.4}.</p>\n",
        escape(&global),
        escape(&o.output),
        escape(&v.space),
        100.0 * o.local_mean,
        100.0 * o.local_std,
        o.base_value,
        o.prediction
    );
    if let Some(r) = &content.intershap {
        if let (Some(acc), Some(maj)) = (r.accuracy, r.majority_accuracy) {
            let _ = writeln!(
                out,
                "<p>Model accuracy on the explained rows {acc:.3} (majority class {maj:.3}); \
                 {} samples, {} modalities.</p>",
                r.n_samples, r.n_modalities
            );
        }
    }
    let _ = writeln!(
        out,
        "<div class=\"grid\">{}{}</div>",
        drawn.one("intershap-heatmap"),
        drawn.one("intershap-waterfall")
    );
    out.push_str(&drawn.one("intershap-pairs"));
    if content.intershap_samples.is_some() {
        out.push_str(&drawn.one("intershap-local"));
        out.push_str(&drawn.grid("intershap-sample-"));
    } else {
        out.push_str(&note(
            "Waterfalls of single samples and the local scores' histogram need InterSHAP's \
             per-sample values (give the `--per-sample` file of `interplay intershap` to `--from`).",
        ));
    }
    out.push_str("</section>\n");
    out
}

fn settings_section(warnings: &[String], notes: &[String], provenance: &Provenances) -> String {
    let mut out =
        String::from("<section id=\"settings\"><h2>Settings, versions and warnings</h2>\n");
    if warnings.is_empty() {
        out.push_str("<p>No warnings.</p>\n");
    }
    for w in warnings {
        let _ = writeln!(out, "<div class=\"warning\">warning: {}</div>", escape(w));
    }
    for n in notes {
        out.push_str(&note(n));
    }
    for (name, p, settings) in provenance {
        let _ = writeln!(
            out,
            "<h3>{}</h3>\n<table><tr><th>interplay</th><td>{}</td></tr>\
             <tr><th>schema</th><td>{}</td></tr><tr><th>units</th><td>{}</td></tr>\
             <tr><th>seed</th><td>{}</td></tr>{}</table>",
            escape(name),
            escape(&p.interplay_version),
            p.schema_version,
            escape(&p.units),
            p.seed,
            settings_rows(settings)
        );
    }
    out.push_str("</section>\n");
    out
}

fn note(text: &str) -> String {
    format!("<div class=\"note\">{}</div>\n", escape(text))
}

/// Mean atoms per pair with their intervals.
fn lsmi_table(r: &LsmiReport) -> String {
    let mut out = String::from("<table><tr><th>pair</th><th>R</th><th>U1</th><th>U2</th><th>S</th><th>I(X1,X2;Y)</th></tr>");
    for p in &r.pairs {
        let a = p.adjusted;
        let i = p.adjusted_interval.to_array();
        let cells: String = [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
            .iter()
            .zip(i)
            .map(|(v, i)| format!("<td class=\"num\">{}</td>", escape(&i.format(*v, 4))))
            .collect();
        let _ = write!(
            out,
            "<tr><td>M{}–M{}</td>{cells}<td class=\"num\">{:.4}</td></tr>",
            p.modalities[0], p.modalities[1], p.mi.x1x2_y
        );
    }
    out.push_str("</table>\n");
    if let Some(i) = r.atoms_interval {
        let _ = writeln!(
            out,
            "<p class=\"muted\">[lo, hi]: {} % intervals, {}.</p>",
            100.0 * i.redundancy.level,
            escape(i.redundancy.method.describe())
        );
    }
    out
}

/// The top samples of each atom, one small table per atom.
fn top_table(samples: &LsmiSamples) -> String {
    let names = [
        ("r", "most redundant"),
        ("u1", "most unique to M1"),
        ("u2", "most unique to M2"),
        ("s", "most synergistic"),
    ];
    let mut out = format!("<h3>Top {TOP_K} samples of each kind</h3>\n<div class=\"tops\">");
    for top in top_samples(samples, TOP_K) {
        let title = names
            .iter()
            .find(|(k, _)| *k == top.atom)
            .map_or(top.atom.as_str(), |(_, t)| t);
        let _ = write!(
            out,
            "<table><tr><th colspan=\"2\">{} (M{}–M{})</th></tr><tr><th>sample</th><th>{}</th></tr>",
            escape(title),
            top.modalities[0],
            top.modalities[1],
            escape(&top.atom)
        );
        for (i, v) in &top.rows {
            let _ = write!(
                out,
                "<tr><td class=\"num\">{i}</td><td class=\"num\">{v:.4}</td></tr>"
            );
        }
        out.push_str("</table>");
    }
    out.push_str("</div>\n");
    out
}

/// A JSON object's fields as table rows (nested values as compact JSON).
fn settings_rows(settings: &serde_json::Value) -> String {
    let Some(map) = settings.as_object() else {
        return String::new();
    };
    map.iter()
        .map(|(k, v)| {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            format!("<tr><th>{}</th><td>{}</td></tr>", escape(k), escape(&shown))
        })
        .collect()
}
