//! InterSHAP from coalition values computed elsewhere (`explain_table`): values
//! computed by brute force from a toy model give the result `explain` gives
//! (scores, matrices, intervals, accuracy, cost report), for every output and both
//! spaces; bad tables (shapes, NaN, classes, missing sums) and settings the table
//! cannot serve are refused with an error, not a panic.

use interplay::data::Split;
use interplay::intershap::masking::outputs_in_space;
use interplay::intershap::{
    chosen_rows, explain, explain_table, Approximation, BackgroundRows, BackgroundSums,
    CoalitionTable, ExplainedRows, InterShapConfig, OutputTarget, Space,
};
use interplay::model::eval::argmax_of;
use interplay::model::fusion::{Fusion, FusionNet};
use interplay::model::Model;
use interplay::params::{Checked, Validate};
use interplay::progress::NoProgress;
use ndarray::{Array2, Array3, ArrayView2, Axis};

const DIMS: [usize; 3] = [3, 2, 4];

fn split(n: usize, seed: u64) -> Split {
    crate::common::uniform_split(&DIMS, n, seed, 11)
}

fn config(output: OutputTarget, space: Space, replicates: usize) -> Checked<InterShapConfig> {
    let mut c = InterShapConfig {
        samples: Some(25),
        background: BackgroundRows::Sample(9),
        output,
        space,
        seed: 5,
        ..InterShapConfig::default()
    };
    c.uncertainty.replicates = replicates;
    c.validate().unwrap()
}

/// The table of a run, by brute force: every (row, mask, background row) model row
/// built and evaluated on its own, then averaged and summed.
fn table(
    model: &dyn Model,
    inputs: &Split,
    bg: &Split,
    config: &InterShapConfig,
) -> (CoalitionTable, ExplainedRows) {
    let rows = chosen_rows(inputs.len(), bg.len(), config).unwrap();
    let x = inputs.select(&rows.samples);
    let z = bg.select(&rows.background);
    let (n, n_bg, m) = (x.len(), z.len(), DIMS.len());
    let k = (1usize << m) - 2;
    let raw_full = interplay::model::eval::forward_batched(model, &x.views(), 64).unwrap();
    let predicted = argmax_of(&raw_full.mapv(f64::from));
    let full = outputs_in_space(model, &x.views(), config.space, 64).unwrap();
    let background = outputs_in_space(model, &z.views(), config.space, 64).unwrap();
    let c = full.ncols();
    let mut masked = Array3::<f64>::zeros((n, k, c));
    let mut sums = Array3::<f64>::zeros((n_bg, k, c));
    let mut sums_pred = Array2::<f64>::zeros((n_bg, k));
    for s in 1..=k {
        for a in 0..n {
            let parts: Vec<Array2<f32>> = (0..m)
                .map(|mm| {
                    let src = if s >> mm & 1 == 1 {
                        &x.modalities()[mm]
                    } else {
                        &z.modalities()[mm]
                    };
                    let row = if s >> mm & 1 == 1 { a } else { 0 };
                    let mut out = Array2::zeros((n_bg, DIMS[mm]));
                    for b in 0..n_bg {
                        let r = if s >> mm & 1 == 1 { row } else { b };
                        out.row_mut(b).assign(&src.row(r));
                    }
                    out
                })
                .collect();
            let views: Vec<ArrayView2<f32>> = parts.iter().map(|p| p.view()).collect();
            let out = outputs_in_space(model, &views, config.space, 64).unwrap();
            masked
                .index_axis_mut(Axis(0), a)
                .index_axis_mut(Axis(0), s - 1)
                .assign(&out.mean_axis(Axis(0)).unwrap());
            for b in 0..n_bg {
                let mut dst = sums.index_axis_mut(Axis(0), b);
                let mut dst = dst.index_axis_mut(Axis(0), s - 1);
                dst += &out.row(b);
                sums_pred[[b, s - 1]] += out[[b, predicted[a]]];
            }
        }
    }
    let labels = inputs
        .labels()
        .map(|y| rows.samples.iter().map(|&i| y[i]).collect());
    (
        CoalitionTable {
            n_modalities: m,
            full,
            background,
            predicted,
            masked,
            background_sums: Some(BackgroundSums {
                all: sums,
                predicted: sums_pred,
            }),
        },
        ExplainedRows {
            indices: rows.samples,
            labels,
        },
    )
}

fn close(what: &str, a: impl IntoIterator<Item = f64>, b: impl IntoIterator<Item = f64>) {
    let (a, b): (Vec<f64>, Vec<f64>) = (a.into_iter().collect(), b.into_iter().collect());
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() <= 1e-12, "{what}: {x} vs {y}");
    }
}

#[test]
fn table_of_brute_force_values_equals_explain() {
    let model = FusionNet::random(Fusion::Early, &DIMS, 3, 2).unwrap();
    let (inputs, bg) = (split(40, 1), split(30, 2));
    for (output, space) in [
        (OutputTarget::Best, Space::Probability),
        (OutputTarget::Class(2), Space::Logit),
        (OutputTarget::All, Space::Probability),
    ] {
        let config = config(output, space, 300);
        let direct = explain(&model, &inputs, &bg, &config, &NoProgress).unwrap();
        let (t, rows) = table(&model, &inputs, &bg, &config);
        let via = explain_table(t, rows, &config).unwrap();
        assert_eq!(direct.sample_indices, via.sample_indices);
        assert_eq!(direct.masking, via.masking);
        assert_eq!(direct.model_accuracy, via.model_accuracy);
        assert_eq!(direct.explanations.len(), via.explanations.len());
        for (d, v) in direct.explanations.iter().zip(&via.explanations) {
            assert_eq!(d.output, v.output);
            assert_eq!(d.classes, v.classes);
            close(
                "phi",
                d.interactions.matrix.iter().copied(),
                v.interactions.matrix.iter().copied(),
            );
            close("local", d.local.iter().copied(), v.local.iter().copied());
            close(
                "base",
                d.base_values.iter().copied(),
                v.base_values.iter().copied(),
            );
            close("global", [d.global], [v.global]);
            let (di, vi) = (d.intervals.as_ref().unwrap(), v.intervals.as_ref().unwrap());
            close(
                "interval",
                [di.global.lower, di.global.upper],
                [vi.global.lower, vi.global.upper],
            );
            close(
                "bg std err",
                [di.std_err_background],
                [vi.std_err_background],
            );
        }
    }
}

fn good() -> (CoalitionTable, ExplainedRows, Checked<InterShapConfig>) {
    let model = FusionNet::random(Fusion::Early, &DIMS, 3, 2).unwrap();
    let config = config(OutputTarget::Best, Space::Probability, 50);
    let (t, rows) = table(&model, &split(30, 3), &split(12, 4), &config);
    (t, rows, config)
}

fn refused(
    t: CoalitionTable,
    rows: ExplainedRows,
    config: &Checked<InterShapConfig>,
    message: &str,
) {
    let err = explain_table(t, rows, config).unwrap_err().to_string();
    assert!(err.contains(message), "'{err}' lacks '{message}'");
}

#[test]
fn bad_tables_are_refused() {
    let (t, rows, config) = good();
    assert!(explain_table(t.clone(), rows.clone(), &config).is_ok());

    let mut bad = t.clone();
    bad.masked = Array3::zeros((t.masked.dim().0, 3, 3));
    refused(bad, rows.clone(), &config, "coalition values have shape");

    let mut bad = t.clone();
    bad.masked[[0, 0, 0]] = f64::NAN;
    refused(bad, rows.clone(), &config, "NaN or infinite");

    let mut bad = t.clone();
    bad.background[[1, 1]] = f64::INFINITY;
    refused(bad, rows.clone(), &config, "NaN or infinite");

    let mut bad = t.clone();
    bad.predicted[0] = 7;
    refused(bad, rows.clone(), &config, "predicted class 7");

    let mut bad = t.clone();
    bad.background_sums = None;
    refused(bad, rows.clone(), &config, "background rows' sums");

    let mut bad = t.clone();
    if let Some(s) = bad.background_sums.as_mut() {
        s.predicted = Array2::zeros((2, 2));
    }
    refused(
        bad,
        rows.clone(),
        &config,
        "background sums of the predicted classes have shape",
    );

    let mut short = rows.clone();
    short.indices.pop();
    refused(t.clone(), short, &config, "explained row indices");

    let mut bad = t.clone();
    bad.n_modalities = 13;
    refused(bad, rows.clone(), &config, "2 to 12 modalities");

    let class9 = InterShapConfig {
        output: OutputTarget::Class(9),
        ..(*config).clone()
    }
    .validate()
    .unwrap();
    refused(t.clone(), rows.clone(), &class9, "class 9 does not exist");

    let sampled = InterShapConfig {
        approximation: Approximation::Permutations(10),
        ..(*config).clone()
    }
    .validate()
    .unwrap();
    refused(t, rows, &sampled, "explained exactly");
}

#[test]
fn automatic_background_is_refused_by_the_row_choice() {
    let auto = InterShapConfig {
        background: BackgroundRows::Auto,
        ..InterShapConfig::default()
    };
    let err = chosen_rows(10, 10, &auto).unwrap_err().to_string();
    assert!(err.contains("auto"), "{err}");
    let all = InterShapConfig {
        background: BackgroundRows::All,
        samples: Some(4),
        ..InterShapConfig::default()
    };
    let rows = chosen_rows(10, 6, &all).unwrap();
    assert_eq!(rows.background, (0..6).collect::<Vec<_>>());
    assert_eq!(rows.samples.len(), 4);
    assert!(rows.samples.windows(2).all(|w| w[0] < w[1]));
}
