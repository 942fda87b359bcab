//! `interplay lsmi --save-models F`, `--models F` and `--models F --shard i/n
//! --partial P` then `interplay merge`: scoring with saved models, and merging
//! the shards of 1, 2, 3 and 7, reproduce the single run's JSON report (every
//! number within 1e-12; in fact bit for bit) and its per-sample table; bad
//! models files, mixed shards and contradictory flags are errors with exit
//! status 2.

use interplay::data::{Dataset, Split};
use ndarray::Array2;
use serde_json::Value;
use std::path::{Path, PathBuf};

use crate::quiet as interplay;
use crate::shards::{fails_with, max_diff, ok};

/// Three modalities (widths 2, 3, 1) whose labels need the first two.
fn write_data(path: &Path, seed: u64) {
    let mut uniform = crate::uniform(0x9E37_79B9_7F4A_7C15u64 ^ seed);
    let mut split = |n: usize| {
        let m: Vec<Array2<f32>> = [2, 3, 1]
            .iter()
            .map(|&d| Array2::from_shape_fn((n, d), |_| uniform()))
            .collect();
        let y = (0..n)
            .map(|a| {
                usize::from(m[0][[a, 0]] + m[1][[a, 1]] > 0.0) + usize::from(m[0][[a, 1]] > 0.5)
            })
            .collect();
        Split::new(m, Some(y)).unwrap()
    };
    let mut data = Dataset::default();
    data.splits.insert("train".into(), split(120));
    data.splits.insert("val".into(), split(45));
    interplay::data::write(path, &data, None).unwrap();
}

struct Setup {
    _dir: tempfile::TempDir,
    root: PathBuf,
    data: String,
    models: String,
    single: Value,
    single_csv: String,
}

const FIT: [&str; 8] = [
    "--epochs-discriminator",
    "4",
    "--epochs-entropy",
    "3",
    "--seed",
    "11",
    "--bootstrap",
    "200",
];

fn path(root: &Path, name: &str) -> String {
    root.join(name).to_str().unwrap().to_string()
}

fn read_json(p: &str) -> Value {
    serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap()
}

/// Fit once with --save-models, keeping the single run's report and table.
fn setup(extra: &[&str]) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let data = path(&root, "d.npz");
    write_data(Path::new(&data), 1);
    let models = path(&root, "models.safetensors");
    let (json, csv) = (path(&root, "single.json"), path(&root, "single.csv"));
    let mut args = vec!["lsmi", "--data", &data, "--save-models", &models];
    args.extend(FIT);
    args.extend(extra);
    args.extend(["--json", &json, "--per-sample", &csv]);
    ok(&interplay(&args));
    Setup {
        single: read_json(&json),
        single_csv: std::fs::read_to_string(&csv).unwrap(),
        _dir: dir,
        root,
        data,
        models,
    }
}

fn scoring_args<'a>(s: &'a Setup, extra: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec!["lsmi", "--data", &s.data, "--models", &s.models];
    args.extend(["--bootstrap", "200"]);
    args.extend(extra);
    args
}

fn shard_files(s: &Setup, count: usize, extra: &[&str]) -> Vec<String> {
    (0..count)
        .map(|i| {
            let part = path(&s.root, &format!("part{i}of{count}.json"));
            let shard = format!("{i}/{count}");
            let mut args = scoring_args(s, extra);
            args.extend(["--shard", &shard, "--partial", &part]);
            ok(&interplay(&args));
            part
        })
        .collect()
}

fn round_trip(extra: &[&str]) {
    let s = setup(extra);
    let again = path(&s.root, "again.json");
    let mut args = scoring_args(&s, extra);
    args.extend(["--json", &again]);
    ok(&interplay(&args));
    assert_eq!(max_diff(&s.single, &read_json(&again), "report"), 0.0);
    for count in [1, 2, 3, 7] {
        let mut parts = shard_files(&s, count, extra);
        parts.reverse();
        let (merged, csv) = (path(&s.root, "merged.json"), path(&s.root, "merged.csv"));
        let mut args = vec!["merge"];
        args.extend(parts.iter().map(String::as_str));
        args.extend(["-o", &merged, "--per-sample", &csv]);
        let out = interplay(&args);
        ok(&out);
        assert!(String::from_utf8_lossy(&out.stdout).contains("merged shards"));
        let diff = max_diff(&s.single, &read_json(&merged), "report");
        println!("{extra:?}: {count} shards, max |merged − single| = {diff:.2e}");
        assert!(diff <= 1e-12, "{count} shards: {diff}");
        assert_eq!(std::fs::read_to_string(&csv).unwrap(), s.single_csv);
    }
}

#[test]
fn saved_models_and_merged_shards_equal_the_single_run() {
    round_trip(&[]);
}

#[test]
fn saved_models_and_merged_shards_equal_the_single_run_unadjusted_in_bits() {
    round_trip(&["--no-adjust", "--units", "bits", "--split", "all"]);
}

#[test]
fn bad_models_and_shard_sets_are_refused() {
    let s = setup(&[]);
    let out = path(&s.root, "out.json");
    let parts = shard_files(&s, 3, &[]);
    fails_with(&["merge", &parts[0], &parts[2], "-o", &out], "missing: 1/3");
    fails_with(&["merge", &parts[0], &parts[0], "-o", &out], "twice");
    // The same rows scored with other settings, or with models of another fit.
    let other = path(&s.root, "other.json");
    let mut args = scoring_args(&s, &["--no-adjust"]);
    args.extend(["--shard", "1/3", "--partial", &other]);
    ok(&interplay(&args));
    fails_with(
        &["merge", &parts[0], &other, &parts[2], "-o", &out],
        "settings",
    );
    let refit = path(&s.root, "refit.safetensors");
    let mut args = vec!["lsmi", "--data", &s.data, "--save-models", &refit];
    args.extend([
        "--epochs-discriminator",
        "4",
        "--epochs-entropy",
        "3",
        "--seed",
        "12",
    ]);
    ok(&interplay(&args));
    let mut args = vec!["lsmi", "--data", &s.data, "--models", &refit];
    args.extend(["--bootstrap", "200", "--shard", "1/3", "--partial", &other]);
    ok(&interplay(&args));
    fails_with(
        &["merge", &parts[0], &other, &parts[2], "-o", &out],
        "models",
    );
    // Other data scored with the same models.
    let data2 = path(&s.root, "d2.npz");
    write_data(Path::new(&data2), 2);
    let mut args = vec!["lsmi", "--data", &data2, "--models", &s.models];
    args.extend(["--bootstrap", "200", "--shard", "1/3", "--partial", &other]);
    ok(&interplay(&args));
    fails_with(&["merge", &parts[0], &other, &parts[2], "-o", &out], "data");
    assert!(!Path::new(&out).exists(), "a failed merge writes nothing");
    // Files that are not models, or whose tensors were tampered with.
    let junk = path(&s.root, "junk.safetensors");
    std::fs::write(&junk, b"not a model").unwrap();
    fails_with(
        &["lsmi", "--data", &s.data, "--models", &junk],
        "junk.safetensors",
    );
    let mut bytes = std::fs::read(&s.models).unwrap();
    let n = bytes.len();
    bytes[n - 8..].copy_from_slice(&f64::NAN.to_le_bytes());
    let tampered = path(&s.root, "tampered.safetensors");
    std::fs::write(&tampered, &bytes).unwrap();
    let out2 = interplay(&["lsmi", "--data", &s.data, "--models", &tampered]);
    assert_eq!(out2.status.code(), Some(2));
    // Fitting flags contradict --models; --shard needs --models and --partial.
    for bad in [
        vec!["--epochs-discriminator", "3"],
        vec!["--repeats", "2"],
        vec!["--folds", "3"],
    ] {
        let mut args = scoring_args(&s, &bad);
        args.extend(["--json", &out]);
        assert_eq!(interplay(&args).status.code(), Some(2), "{bad:?}");
    }
    let shard_alone = [
        "lsmi",
        "--data",
        &s.data,
        "--shard",
        "0/2",
        "--partial",
        &out,
    ];
    assert_eq!(interplay(&shard_alone).status.code(), Some(2));
    let mut args = scoring_args(&s, &[]);
    args.extend(["--shard", "0/99", "--partial", &other]);
    fails_with(&args, "99 shards for 45 rows");
    // Models of three modalities refuse data of other widths.
    let narrow = path(&s.root, "narrow.npz");
    let mut data = Dataset::default();
    let m = vec![
        Array2::zeros((4, 2)),
        Array2::zeros((4, 2)),
        Array2::zeros((4, 1)),
    ];
    data.splits
        .insert("val".into(), Split::new(m, Some(vec![0, 1, 0, 1])).unwrap());
    interplay::data::write(Path::new(&narrow), &data, None).unwrap();
    fails_with(
        &["lsmi", "--data", &narrow, "--models", &s.models],
        "widths",
    );
}
