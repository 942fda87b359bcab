//! The paper's HD-XOR experiments at test scale: the exact XOR function's
//! InterSHAP against its population value (computed by enumerating the latent
//! bits), and the experiment runner's table.

use interplay::experiments::{run_hdxor, HdXorExperiment, XorFunction};
use interplay::intershap::{explain, interaction_share, BackgroundRows, InterShapConfig};
use interplay::params::Validate;
use interplay::progress::NoProgress;
use interplay::shapley;
use interplay::synth::hdxor::{generate, label_from_bits, HdXorConfig, HdXorSetting};
use ndarray::{Array2, Axis};

/// Probability of each bit vector (bit i of the index is modality i's bit) in
/// the synergy setting: fair bits for M = 2; for M > 2 the two classes are
/// balanced, uniform within each class (`draw_bits`).
fn bit_distribution(m: usize) -> Vec<f64> {
    let vectors = 1usize << m;
    let label = |v: usize| label_from_bits((0..m).map(|i| v >> i & 1 == 1));
    if m == 2 {
        return vec![0.25; 4];
    }
    let ones = (0..vectors).filter(|&v| label(v) == 1).count() as f64;
    (0..vectors)
        .map(|v| {
            if label(v) == 1 {
                0.5 / ones
            } else {
                0.5 / (vectors as f64 - ones)
            }
        })
        .collect()
}

/// Population global InterSHAP (percent) of the exact XOR function with M
/// modalities: absent modalities take the bits of an independent background
/// sample, probabilities are one-hot (logits ±1000), the predicted class explained.
fn population_percent(m: usize) -> f64 {
    let p = bit_distribution(m);
    let n = p.len();
    let full = (1usize << m) - 1;
    let label = |v: usize| label_from_bits((0..m).map(|i| v >> i & 1 == 1));
    let mut values = Array2::<f64>::zeros((n, full + 1));
    for x in 0..n {
        let class = label(x);
        for mask in 0..=full {
            values[[x, mask]] = (0..n)
                .map(|z| {
                    let mixed = (x & mask) | (z & !mask & full);
                    p[z] * f64::from(u8::from(label(mixed) == class))
                })
                .sum();
        }
    }
    let inter = shapley::exact(values.view()).unwrap();
    let mut mean = Array2::<f64>::zeros((m, m));
    for (x, mat) in inter.matrix.axis_iter(Axis(0)).enumerate() {
        mean = mean + &mat * p[x];
    }
    100.0 * interaction_share(mean.view())
}

fn xor_function_percent(m: usize, seed: u64) -> f64 {
    let config = HdXorConfig {
        n_samples: 8000,
        ..HdXorConfig::new(HdXorSetting::Synergy, m)
    }
    .validate()
    .unwrap();
    let data = generate(&config, seed).unwrap();
    let f = XorFunction::new(&data.dataset, &data.bit_carriers).unwrap();
    let (train, test) = (
        data.dataset.split("train").unwrap(),
        data.dataset.split("test").unwrap(),
    );
    let cfg = InterShapConfig {
        seed,
        background: BackgroundRows::Sample(400),
        ..InterShapConfig::default()
    }
    .validate()
    .unwrap();
    let r = explain(&f, test, train, &cfg, &NoProgress).unwrap();
    let e = &r.explanations[0];
    let iv = e.intervals.as_ref().unwrap().global;
    eprintln!(
        "M = {m}: XOR function {:.2} % [{:.2}, {:.2}]",
        e.global_percent(),
        100.0 * iv.lower,
        100.0 * iv.upper
    );
    e.global_percent()
}

#[test]
fn xor_function_matches_its_population_value() {
    for m in [2, 3, 4] {
        let exact = population_percent(m);
        let measured = xor_function_percent(m, 1);
        eprintln!("M = {m}: population {exact:.2} %, measured {measured:.2} %");
        assert!(
            (measured - exact).abs() < 2.0,
            "M = {m}: {measured:.2} vs {exact:.2}"
        );
    }
    // Two modalities: pure XOR, the paper's 99.7 %.
    assert!(population_percent(2) > 99.9);
    assert!(xor_function_percent(2, 2) >= 99.0);
}

#[test]
fn the_runner_reports_the_paper_and_skips_undefined_functions() {
    let experiment = HdXorExperiment {
        modalities: vec![2],
        settings: vec![HdXorSetting::Uniqueness(1), HdXorSetting::Random],
        fusions: vec![],
        xor_function: true,
        seeds: 2,
        n_samples: 1000,
        ..HdXorExperiment::default()
    }
    .validate()
    .unwrap();
    let mut seen = 0;
    let report = run_hdxor(&experiment, &NoProgress, &mut |_| seen += 1).unwrap();
    // Random labels have no XOR function: one row only.
    assert_eq!(report.rows.len(), 1);
    assert_eq!(seen, 1);
    let row = &report.rows[0];
    assert_eq!(
        (row.setting.as_str(), row.model.as_str()),
        ("uniqueness1", "xor-function")
    );
    assert_eq!(row.per_seed.len(), 2);
    assert!(
        row.mean.abs() < 1e-9,
        "one modality carries both bits: no interaction"
    );
    let paper = row.paper.unwrap();
    assert_eq!(paper.mean, 0.0);
    assert!(paper.agrees);
}

/// Three modalities at test scale (4 000 samples, 40 epochs, one seed): the
/// uniqueness and redundancy rows of the paper's M-modality table, within 3 and
/// 10 points. (Synergy needs the paper's scale to be learnt at all with three
/// modalities; see the ignored test below and docs/experiments.md.)
#[test]
fn three_modalities_at_small_scale_are_near_the_paper() {
    let experiment = HdXorExperiment {
        modalities: vec![3],
        settings: vec![HdXorSetting::Uniqueness(1), HdXorSetting::Redundancy],
        xor_function: false,
        seeds: 1,
        n_samples: 4000,
        training: interplay::model::fusion::FusionTraining {
            epochs: 40,
            ..Default::default()
        },
        ..HdXorExperiment::default()
    }
    .validate()
    .unwrap();
    let report = run_hdxor(&experiment, &NoProgress, &mut |_| {}).unwrap();
    for (row, bound) in report.rows.iter().zip([3.0, 10.0]) {
        let paper = row.paper.unwrap();
        eprintln!(
            "{} M = 3: {:.2} % (paper {:.1})",
            row.setting, row.mean, paper.mean
        );
        assert!(
            row.val_accuracy.unwrap() > 0.9,
            "{}: the net did not learn",
            row.setting
        );
        assert!(
            (row.mean - paper.mean).abs() <= bound,
            "{}: {:.2} vs {:.1}",
            row.setting,
            row.mean,
            paper.mean
        );
    }
}

/// The fusion order on the synthetic analogue (HD-XOR redundancy), at test scale
/// over three seeds: early ≥ intermediate ≥ late, every net having learnt the task.
#[test]
fn fusion_order_holds_on_the_analogue() {
    use interplay::experiments::fusion_order::{
        fusion_means, fusion_order_experiment, order_holds,
    };
    let experiment = fusion_order_experiment(3, 4000, 40).validate().unwrap();
    let report = run_hdxor(&experiment, &NoProgress, &mut |_| {}).unwrap();
    let means = fusion_means(&report).unwrap();
    eprintln!("early / intermediate / late: {means:.2?} %");
    for row in &report.rows {
        assert!(
            row.val_accuracy.unwrap() > 0.85,
            "{} did not learn",
            row.model
        );
    }
    assert!(order_holds(means), "{means:?}");
    // Late fusion's logits add up over modalities: almost no interaction.
    assert!(means[2] < 5.0 && means[0] > 20.0, "{means:?}");
}

/// The paper-scale tables of docs/experiments.md (about 25 minutes on two
/// cores): every early-fusion row agrees with the paper except synergy with four
/// modalities, documented there (our nets learn less of the four-way function);
/// the fusion order holds at full scale.
#[test]
#[ignore = "paper scale: about 25 minutes; run with --ignored"]
fn paper_scale_table() {
    use interplay::experiments::fusion_order::{
        fusion_means, fusion_order_experiment, order_holds,
    };
    let experiment = HdXorExperiment::default().validate().unwrap();
    let report = run_hdxor(&experiment, &NoProgress, &mut |r| {
        eprintln!(
            "{} M={} {}: {:.1} ± {:.1}",
            r.setting, r.modalities, r.model, r.mean, r.sd
        )
    })
    .unwrap();
    for row in report.rows.iter().filter(|r| r.model == "early") {
        let paper = row.paper.unwrap();
        if row.setting == "synergy" && row.modalities == 4 {
            assert!(
                (row.mean - 30.3).abs() < 10.0,
                "documented difference moved: {:.1}",
                row.mean
            );
        } else {
            assert!(
                paper.agrees,
                "{} M={}: {:.1} vs {:.1}",
                row.setting, row.modalities, row.mean, paper.mean
            );
        }
    }
    for row in report
        .rows
        .iter()
        .filter(|r| r.model == "xor-function" && r.setting == "synergy")
    {
        if row.modalities == 2 {
            assert!(row.mean >= 99.0);
        }
    }
    let fusion = fusion_order_experiment(3, 20_000, 200).validate().unwrap();
    let report = run_hdxor(&fusion, &NoProgress, &mut |_| {}).unwrap();
    assert!(order_holds(fusion_means(&report).unwrap()));
}
