//! PID, EMAP, SHAPE and the side-by-side comparison of every interaction score.

use super::{BarChart, Figure, FigureData};
use crate::report::{EmapReport, InterShapOutput, PidReport, ShapeReport};
use crate::uncertainty::Interval;

fn bounds(i: Option<Interval>) -> Option<[f64; 2]> {
    i.map(|i| [i.lower, i.upper])
}

/// The atoms of every PID (`(name, report)`, e.g. of the model's predictions and
/// of the labels) side by side.
pub fn pid_figure(pids: &[(String, PidReport)]) -> Option<Figure> {
    let first = pids.first()?;
    let atoms = |r: &PidReport| {
        let a = r.atoms;
        [a.redundancy, a.uniqueness_1, a.uniqueness_2, a.synergy]
    };
    Some(Figure {
        id: "pid-atoms".into(),
        title: "PID (BROJA): atoms".into(),
        caption: format!(
            "Redundancy, uniquenesses and synergy of {} on the discretised inputs.",
            pids.iter()
                .map(|(n, _)| n.as_str())
                .collect::<Vec<_>>()
                .join(" and ")
        ),
        data: FigureData::Bars(BarChart {
            y_label: format!("atom ({})", first.1.provenance.units),
            groups: ["R", "U1", "U2", "S"].map(String::from).to_vec(),
            series: pids.iter().map(|(n, _)| n.clone()).collect(),
            values: (0..4)
                .map(|k| pids.iter().map(|(_, r)| atoms(r)[k]).collect())
                .collect(),
            intervals: (0..4).map(|_| vec![None; pids.len()]).collect(),
            stacked: false,
        }),
    })
}

/// The model's accuracy and macro-F1 beside its additive projection's.
pub fn emap_figure(e: &EmapReport) -> Figure {
    Figure {
        id: "emap".into(),
        title: "EMAP: the model against its additive projection".into(),
        caption: format!(
            "What the model loses when made additive: accuracy gap {:.4}, macro-F1 gap {:.4} over {} samples.",
            e.accuracy_gap, e.macro_f1_gap, e.n_samples
        ),
        data: FigureData::Bars(BarChart {
            y_label: "score (fraction)".into(),
            groups: vec!["accuracy".into(), "macro-F1".into()],
            series: vec!["model f".into(), "additive f̂".into()],
            values: vec![
                vec![e.accuracy, e.accuracy_emap],
                vec![e.macro_f1, e.macro_f1_emap],
            ],
            intervals: vec![
                vec![bounds(e.accuracy_interval), bounds(e.accuracy_emap_interval)],
                vec![bounds(e.macro_f1_interval), bounds(e.macro_f1_emap_interval)],
            ],
            stacked: false,
        }),
    }
}

/// SHAPE's per-modality contributions and its cross-modal score.
pub fn shape_figure(s: &ShapeReport) -> Figure {
    let p = &s.performance;
    let mut groups: Vec<String> = (1..=p.contributions.len())
        .map(|k| format!("M{k}"))
        .collect();
    groups.push("cross-modal".into());
    let mut values: Vec<Vec<f64>> = p.contributions.iter().map(|&c| vec![c]).collect();
    values.push(vec![p.cross_modal]);
    let mut intervals = vec![vec![None]; p.contributions.len()];
    intervals.push(vec![bounds(p.cross_modal_interval)]);
    Figure {
        id: "shape".into(),
        title: format!("SHAPE: contributions ({})", p.metric),
        caption: format!(
            "Each modality alone against the majority baseline ({:.4}), and what the full model ({:.4}) gains beyond their sum.",
            p.base, p.full
        ),
        data: FigureData::Bars(BarChart {
            y_label: format!("{} above baseline", p.metric),
            groups,
            series: vec![p.metric.clone()],
            values,
            intervals,
            stacked: false,
        }),
    }
}

/// Every interaction score that is present, as a fraction on one axis:
/// InterSHAP's global share, each PID's synergy as a share of I(X1,X2;Y),
/// EMAP's macro-F1 gap and SHAPE's two cross-modal scores; then the PID, EMAP
/// and SHAPE figures. The side-by-side figure needs two or more scores.
pub fn compare_figures(
    intershap: Option<&InterShapOutput>,
    pids: &[(String, PidReport)],
    emap: Option<&EmapReport>,
    shape: Option<&ShapeReport>,
) -> Vec<Figure> {
    let mut groups = Vec::new();
    let mut values = Vec::new();
    let mut intervals = Vec::new();
    let mut add = |name: String, v: f64, i: Option<[f64; 2]>| {
        groups.push(name);
        values.push(vec![v]);
        intervals.push(vec![i]);
    };
    if let Some(o) = intershap {
        add("InterSHAP".into(), o.global, bounds(o.global_interval));
    }
    for (name, r) in pids {
        if r.mi.x1x2_y > 0.0 {
            add(
                format!("PID S ({name})"),
                r.atoms.synergy / r.mi.x1x2_y,
                None,
            );
        }
    }
    if let Some(e) = emap {
        add(
            "EMAP gap".into(),
            e.macro_f1_gap,
            bounds(e.macro_f1_gap_interval),
        );
    }
    if let Some(s) = shape {
        add(
            "SHAPE perf.".into(),
            s.performance.cross_modal,
            bounds(s.performance.cross_modal_interval),
        );
        add(
            "SHAPE output".into(),
            s.output.cross_modal_ratio,
            bounds(s.output.cross_modal_ratio_interval),
        );
    }
    let mut out = Vec::new();
    if groups.len() >= 2 {
        out.push(Figure {
            id: "scores".into(),
            title: "Interaction scores side by side".into(),
            caption: "InterSHAP: share of the model's behaviour from interactions; PID S: synergy as a share of I(X1,X2;Y); EMAP gap: macro-F1 lost when the model is made additive; SHAPE: cross-modal gain in macro-F1 and as a share of v(M) − v(∅).".into(),
            data: FigureData::Bars(BarChart {
                y_label: "fraction".into(),
                groups,
                series: vec!["score".into()],
                values,
                intervals,
                stacked: false,
            }),
        });
    }
    out.extend(pid_figure(pids));
    out.extend(emap.map(emap_figure));
    out.extend(shape.map(shape_figure));
    out
}
