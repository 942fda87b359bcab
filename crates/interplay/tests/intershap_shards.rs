//! Sharded InterSHAP: the merge of 1, 2, 3 and 7 shards equals the single run
//! (scores, matrices, pair shares, intervals, standard errors), for exact and
//! sampled Shapley values and for both maskings; partials survive JSON; parts
//! of other runs, missing and repeated shards are refused.

use interplay::data::Split;
use interplay::intershap::{
    explain, explain_shard, merge, Approximation, BackgroundRows, InterShapConfig, InterShapResult,
    Masking, OutputTarget, Partial, Shard,
};
use interplay::model::fusion::{Fusion, FusionNet};
use interplay::params::{Checked, Validate};
use interplay::progress::NoProgress;
use interplay::shard::ShardResult;
use interplay::uncertainty::{Interval, UncertaintyConfig};

const DIMS: [usize; 3] = [4, 3, 2];

fn split(n: usize, seed: u64) -> Split {
    crate::common::uniform_split(&DIMS, n, seed, 7)
}

fn net() -> FusionNet {
    FusionNet::random(Fusion::Early, &DIMS, 3, 4).unwrap()
}

fn config(approximation: Approximation, masking: Masking) -> Checked<InterShapConfig> {
    InterShapConfig {
        samples: Some(40),
        background: BackgroundRows::Sample(15),
        masking,
        output: OutputTarget::All,
        approximation,
        seed: 3,
        batch_size: 37,
        uncertainty: UncertaintyConfig {
            level: 0.9,
            replicates: 200,
        },
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap()
}

fn close(what: &str, a: f64, b: f64) {
    assert!((a - b).abs() <= 1e-12, "{what}: {a} vs {b}");
}

fn close_all<'a>(
    what: &str,
    a: impl IntoIterator<Item = &'a f64>,
    b: impl IntoIterator<Item = &'a f64>,
) {
    let (a, b): (Vec<f64>, Vec<f64>) = (
        a.into_iter().copied().collect(),
        b.into_iter().copied().collect(),
    );
    assert_eq!(a.len(), b.len(), "{what}: lengths");
    for (x, y) in a.iter().zip(&b) {
        close(what, *x, *y);
    }
}

fn close_interval(what: &str, a: &Interval, b: &Interval) {
    close(&format!("{what} lower"), a.lower, b.lower);
    close(&format!("{what} std err"), a.std_err, b.std_err);
    close(&format!("{what} hi"), a.upper, b.upper);
    assert_eq!(a.level, b.level, "{what} level");
}

/// Largest difference of any number of the two results (asserted ≤ 1e-12 by the
/// callers, returned to report how close the merge is).
fn assert_same(single: &InterShapResult, merged: &InterShapResult) -> f64 {
    assert_eq!(single.sample_indices, merged.sample_indices);
    assert_eq!(single.masking, merged.masking);
    assert_eq!(single.model_accuracy, merged.model_accuracy);
    assert_eq!(single.explanations.len(), merged.explanations.len());
    let mut max = 0.0f64;
    let mut track = |a: f64, b: f64| max = max.max((a - b).abs());
    for (s, m) in single.explanations.iter().zip(&merged.explanations) {
        assert_eq!(s.output, m.output);
        assert_eq!(s.classes, m.classes);
        close("global", s.global, m.global);
        track(s.global, m.global);
        close_all("mean matrix", &s.mean_matrix, &m.mean_matrix);
        close_all("matrices", &s.interactions.matrix, &m.interactions.matrix);
        close_all("phi", &s.interactions.phi, &m.interactions.phi);
        close_all("local", &s.local, &m.local);
        close_all("mean shapley", &s.mean_shapley, &m.mean_shapley);
        close_all("base values", &s.base_values, &m.base_values);
        close_all("predictions", &s.predictions, &m.predictions);
        close("local mean", s.local_mean, m.local_mean);
        close("local std", s.local_std, m.local_std);
        for (a, b) in s.mean_matrix.iter().zip(&m.mean_matrix) {
            track(*a, *b);
        }
        for (a, b) in s.local.iter().zip(&m.local) {
            track(*a, *b);
        }
        assert_eq!(s.pairs.len(), m.pairs.len());
        for (p, q) in s.pairs.iter().zip(&m.pairs) {
            assert_eq!((p.i, p.j), (q.i, q.j));
            close("pair share", p.share, q.share);
            close("pair interaction", p.interaction, q.interaction);
            track(p.share, q.share);
        }
        let (si, mi) = (s.intervals.as_ref().unwrap(), m.intervals.as_ref().unwrap());
        close_interval("global interval", &si.global, &mi.global);
        track(si.global.lower, mi.global.lower);
        track(si.global.upper, mi.global.upper);
        for (a, b) in si.pairs.iter().zip(&mi.pairs) {
            close_interval("pair interval", a, b);
            track(a.lower, b.lower);
            track(a.upper, b.upper);
        }
        close("se rows", si.std_err_rows, mi.std_err_rows);
        close(
            "se background",
            si.std_err_background,
            mi.std_err_background,
        );
        match (&s.local_std_err, &m.local_std_err) {
            (Some(a), Some(b)) => close_all("local std err", a, b),
            (None, None) => {}
            _ => panic!("local standard errors on one side only"),
        }
    }
    max
}

fn shards(
    config: &Checked<InterShapConfig>,
    count: usize,
    inputs: &Split,
    bg: &Split,
) -> Vec<Partial> {
    (0..count)
        .map(|i| {
            explain_shard(
                &net(),
                inputs,
                bg,
                config,
                Shard::new(i, count).unwrap(),
                &NoProgress,
            )
            .unwrap()
        })
        .collect()
}

fn check_counts(approximation: Approximation, masking: Masking) {
    let (inputs, bg) = (split(60, 1), split(30, 2));
    let config = config(approximation, masking);
    let single = explain(&net(), &inputs, &bg, &config, &NoProgress).unwrap();
    assert_eq!(single.explanations.len(), 3);
    for count in [1, 2, 3, 7] {
        let mut parts = shards(&config, count, &inputs, &bg);
        // Order of the shards is irrelevant.
        parts.reverse();
        let merged = merge(&parts).unwrap();
        let max = assert_same(&single, &merged);
        println!(
            "{approximation:?} {masking:?}: {count} shards, max |merged − single| = {max:.2e}"
        );
        if count == 1 {
            assert_eq!(single, merged, "one shard is the single run bit for bit");
        }
    }
}

#[test]
fn merged_exact_shards_equal_the_single_run() {
    check_counts(Approximation::Exact, Masking::Mean);
}

#[test]
fn merged_sampled_shards_equal_the_single_run() {
    check_counts(Approximation::Permutations(16), Masking::Mean);
}

#[test]
fn merged_shards_with_masking_draws_equal_the_single_run() {
    check_counts(Approximation::Exact, Masking::Draws(4));
}

#[test]
fn partials_survive_json() {
    let (inputs, bg) = (split(60, 1), split(30, 2));
    let config = config(Approximation::Permutations(8), Masking::Mean);
    let single = explain(&net(), &inputs, &bg, &config, &NoProgress).unwrap();
    let parts: Vec<Partial> = shards(&config, 3, &inputs, &bg)
        .iter()
        .map(|p| Partial::from_json(p.to_json().unwrap().as_bytes(), "part").unwrap())
        .collect();
    assert_same(&single, &merge(&parts).unwrap());
    let cfg = parts[0].config().unwrap();
    assert_eq!(cfg.seed, 3);
    assert_eq!(cfg.output, OutputTarget::All);
}

fn merge_error(parts: &[Partial]) -> String {
    let err = merge(parts).unwrap_err();
    assert!(err.is_user_input(), "{err}");
    err.to_string()
}

#[test]
fn parts_of_other_runs_missing_and_repeated_shards_are_refused() {
    let (inputs, bg) = (split(60, 1), split(30, 2));
    let config = config(Approximation::Exact, Masking::Mean);
    let parts = shards(&config, 3, &inputs, &bg);
    assert!(merge_error(&parts[..2]).contains("missing: 2/3"));
    assert!(merge_error(&[parts[0].clone(), parts[1].clone(), parts[1].clone()]).contains("twice"));
    assert!(merge_error(&[]).contains("nothing to merge"));

    let mut other_seed = config.clone().into_inner();
    other_seed.seed = 4;
    let other = shards(&other_seed.validate().unwrap(), 3, &inputs, &bg);
    let mixed = [parts[0].clone(), other[1].clone(), parts[2].clone()];
    assert!(merge_error(&mixed).contains("settings"));

    let other = shards(&config, 3, &split(60, 9), &bg);
    let mixed = [parts[0].clone(), other[1].clone(), parts[2].clone()];
    assert!(merge_error(&mixed).contains("explained data"));

    let other_net = FusionNet::random(Fusion::Early, &DIMS, 3, 5).unwrap();
    let odd = explain_shard(
        &other_net,
        &inputs,
        &bg,
        &config,
        Shard::new(1, 3).unwrap(),
        &NoProgress,
    )
    .unwrap();
    let mixed = [parts[0].clone(), odd, parts[2].clone()];
    assert!(merge_error(&mixed).contains("model"));

    let other = shards(&config, 2, &inputs, &bg);
    let mixed = [parts[0].clone(), other[1].clone(), parts[2].clone()];
    assert!(merge_error(&mixed).contains("shard count"));

    // Tampered arrays are caught before anything is built from them.
    let mut short = parts.clone();
    short[1].outputs[0].matrix.pop();
    assert!(merge_error(&short).contains("shapes"));
    let mut huge = parts.clone();
    huge[0].background_rows = usize::MAX;
    assert!(!merge_error(&huge).is_empty());
    let mut moved = parts.clone();
    moved[2].first_row += 1;
    assert!(merge_error(&moved).contains("should hold rows"));
    let mut swapped = parts.clone();
    swapped[0].sample_indices[0] = swapped[0].sample_indices[1] - 1;
    if swapped[0].sample_indices[0] != parts[0].sample_indices[0] {
        assert!(merge_error(&swapped).contains("rows this run"));
    }
    let mut nan = parts.clone();
    nan[0].outputs[0].phi[0] = f64::NAN;
    assert!(merge_error(&nan).contains("NaN"));
    assert!(Partial::from_json(b"{\"kind\": 3}", "x.json").is_err());
}

#[test]
fn shards_refuse_auto_background_and_too_many_shards() {
    let (inputs, bg) = (split(10, 1), split(30, 2));
    let mut cfg = config(Approximation::Exact, Masking::Mean).into_inner();
    cfg.samples = None;
    let ok = cfg.clone().validate().unwrap();
    let err = explain_shard(
        &net(),
        &inputs,
        &bg,
        &ok,
        Shard::new(0, 11).unwrap(),
        &NoProgress,
    )
    .unwrap_err();
    assert!(err.to_string().contains("at least one row"), "{err}");
    cfg.background = BackgroundRows::Auto;
    let auto = cfg.validate().unwrap();
    let err = explain_shard(
        &net(),
        &inputs,
        &bg,
        &auto,
        Shard::new(0, 2).unwrap(),
        &NoProgress,
    )
    .unwrap_err();
    assert!(err.to_string().contains("auto"), "{err}");
}
