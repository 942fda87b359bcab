//! HD-XOR: names, split sizes, label = XOR of the bits, which modality depends
//! on which bit, class balance, projection range and determinism.

use interplay::data::Split;
use interplay::params::Validate;
use interplay::synth::hdxor::{
    default_dims, generate, label_from_bits, HdXorConfig, HdXorSetting, BITS_KEY,
};

fn small(setting: HdXorSetting, m: usize, n: usize) -> HdXorConfig {
    HdXorConfig {
        n_samples: n,
        ..HdXorConfig::new(setting, m)
    }
}

/// Rows of `split` whose bit `bit` is set / unset.
fn by_bit(split: &Split, bit: usize) -> (Vec<usize>, Vec<usize>) {
    let bits = &split.extra(BITS_KEY).unwrap();
    (0..split.len()).partition(|&i| bits[[i, bit]] == 1.0)
}

/// Root-mean-square over features of the z statistic of the difference of
/// feature means between the two groups: ~1 when the modality ignores the
/// bit, much larger when it depends on it.
fn rms_z(split: &Split, modality: usize, ones: &[usize], zeros: &[usize]) -> f64 {
    let x = &split.modalities()[modality];
    let mut total = 0.0;
    for j in 0..x.ncols() {
        let stats = |rows: &[usize]| {
            let n = rows.len() as f64;
            let mean = rows.iter().map(|&i| f64::from(x[[i, j]])).sum::<f64>() / n;
            let var = rows
                .iter()
                .map(|&i| (f64::from(x[[i, j]]) - mean).powi(2))
                .sum::<f64>()
                / (n - 1.0);
            (mean, var / n)
        };
        let (m1, v1) = stats(ones);
        let (m0, v0) = stats(zeros);
        total += (m1 - m0).powi(2) / (v1 + v0);
    }
    (total / x.ncols() as f64).sqrt()
}

#[test]
fn setting_names_are_one_based_with_original_aliases() {
    assert_eq!(
        HdXorSetting::parse("Uniqueness1").unwrap(),
        HdXorSetting::Uniqueness(1)
    );
    assert_eq!(
        HdXorSetting::parse_original("uniqueness0").unwrap(),
        HdXorSetting::Uniqueness(1)
    );
    assert_eq!(
        HdXorSetting::parse_original("uniqueness1").unwrap(),
        HdXorSetting::Uniqueness(2)
    );
    assert!(HdXorSetting::parse("uniqueness0")
        .unwrap_err()
        .is_user_input());
    assert!(HdXorSetting::parse("teamwork").is_err());
    for s in ["redundancy", "synergy", "random", "uniqueness3"] {
        assert_eq!(HdXorSetting::parse(s).unwrap().name(), s);
        assert_eq!(s.parse::<HdXorSetting>().unwrap().to_string(), s);
    }
    // uniqueness k must name an existing modality.
    assert!(small(HdXorSetting::Uniqueness(3), 2, 100)
        .validate()
        .is_err());
}

#[test]
fn default_paper_dataset_has_the_paper_shape() {
    let data = generate(
        &HdXorConfig::new(HdXorSetting::Synergy, 2)
            .validate()
            .unwrap(),
        11,
    )
    .unwrap();
    let ds = &data.dataset;
    assert_eq!(ds.dims(), vec![200, 100]);
    let sizes: Vec<usize> = ["train", "val", "test"]
        .iter()
        .map(|s| ds.splits[*s].len())
        .collect();
    assert_eq!(sizes.iter().sum::<usize>(), 20_000);
    for (size, want) in sizes.iter().zip([14_000, 3_000, 3_000]) {
        assert!(size.abs_diff(want) <= 2, "{sizes:?}");
    }
    // Projections: d_i × 200, entries U(-0.5, 0.5).
    for (p, &di) in data.projections.iter().zip(&[200, 100]) {
        assert_eq!(p.dim(), (di, 200));
        let (lo, hi) = p
            .iter()
            .fold((f32::MAX, f32::MIN), |(lo, hi), &v| (lo.min(v), hi.max(v)));
        assert!(
            lo >= -0.5 && hi <= 0.5 && lo < -0.49 && hi > 0.49,
            "{lo} {hi}"
        );
        let mean = p.iter().map(|&v| f64::from(v)).sum::<f64>() / p.len() as f64;
        assert!(mean.abs() < 0.01);
    }
    for split in ds.splits.values() {
        let bits = &split.extra(BITS_KEY).unwrap();
        assert_eq!(bits.ncols(), 2);
        let labels = split.labels().unwrap();
        // The label is the XOR of the two bits, in every row.
        for (row, &y) in bits.outer_iter().zip(labels) {
            assert!(row.iter().all(|&b| b == 0.0 || b == 1.0));
            assert_eq!(y, (row[0] != row[1]) as usize);
        }
        let ones = labels.iter().filter(|&&y| y == 1).count() as f64 / labels.len() as f64;
        assert!((ones - 0.5).abs() < 0.03, "label share {ones}");
    }
    // Stratification: the three splits have the same class share (±1 sample).
    let share = |s: &str| {
        let l = ds.splits[s].labels().unwrap();
        l.iter().filter(|&&y| y == 1).count() as f64 / l.len() as f64
    };
    assert!((share("train") - share("val")).abs() < 1e-3);
    assert!((share("train") - share("test")).abs() < 1e-3);
    // Synergy: modality i depends on bit i only.
    let train = &ds.splits["train"];
    for bit in 0..2 {
        let (ones, zeros) = by_bit(train, bit);
        for modality in 0..2 {
            let z = rms_z(train, modality, &ones, &zeros);
            if modality == bit {
                assert!(z > 5.0, "modality {modality} bit {bit}: {z}");
            } else {
                assert!(z < 2.0, "modality {modality} bit {bit}: {z}");
            }
        }
    }
    assert_eq!(data.bit_carriers, vec![vec![0], vec![1]]);
}

#[test]
fn each_setting_puts_the_bits_where_its_carriers_say() {
    let m = 3;
    for setting in [
        HdXorSetting::Uniqueness(1),
        HdXorSetting::Uniqueness(3),
        HdXorSetting::Redundancy,
        HdXorSetting::Random,
    ] {
        let data = generate(&small(setting, m, 6_000).validate().unwrap(), 5).unwrap();
        let train = &data.dataset.splits["train"];
        assert_eq!(data.dataset.dims(), vec![200, 100, 150]);
        let carriers = setting.bit_carriers(m);
        assert_eq!(carriers, data.bit_carriers);
        for bit in 0..2 {
            let (ones, zeros) = by_bit(train, bit);
            for (modality, carried) in carriers.iter().enumerate() {
                let z = rms_z(train, modality, &ones, &zeros);
                if carried.contains(&bit) {
                    assert!(z > 5.0, "{setting} modality {modality} bit {bit}: {z}");
                } else {
                    assert!(z < 2.0, "{setting} modality {modality} bit {bit}: {z}");
                }
            }
        }
        let labels = train.labels().unwrap();
        let bits = &train.extra(BITS_KEY).unwrap();
        for (row, &y) in bits.outer_iter().zip(labels) {
            assert_eq!(y, label_from_bits(row.iter().map(|&b| b == 1.0)));
        }
    }
}

#[test]
fn synergy_with_more_modalities_is_balanced_and_needs_every_bit() {
    for m in [3, 5] {
        let data = generate(
            &small(HdXorSetting::Synergy, m, 4_000).validate().unwrap(),
            9,
        )
        .unwrap();
        assert_eq!(data.dataset.dims(), default_dims(m));
        let all = data.dataset.concat_all().unwrap();
        let labels = all.labels().unwrap();
        // Exactly half of the samples have label 1.
        assert_eq!(labels.iter().filter(|&&y| y == 1).count(), 2_000);
        let bits = &data.dataset.splits["train"].extra(BITS_KEY).unwrap();
        assert_eq!(bits.ncols(), m);
        let train = &data.dataset.splits["train"];
        for (row, &y) in bits.outer_iter().zip(train.labels().unwrap()) {
            let set = row.iter().filter(|&&b| b == 1.0).count();
            assert_eq!(y, usize::from(set == 1));
        }
        // Every bit is set with the same frequency (by symmetry).
        let share: Vec<f64> = (0..m)
            .map(|k| bits.column(k).sum() as f64 / bits.nrows() as f64)
            .collect();
        for s in &share {
            assert!((s - share[0]).abs() < 0.05, "{share:?}");
        }
    }
}

#[test]
fn same_seed_same_data_other_seed_other_data() {
    let cfg = small(HdXorSetting::Redundancy, 2, 500).validate().unwrap();
    let a = generate(&cfg, 3).unwrap();
    let b = generate(&cfg, 3).unwrap();
    let c = generate(&cfg, 4).unwrap();
    assert_eq!(a.dataset, b.dataset);
    assert_eq!(a.projections, b.projections);
    assert_ne!(a.dataset, c.dataset);
    assert_ne!(a.projections, c.projections);
}
