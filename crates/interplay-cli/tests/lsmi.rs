//! `interplay lsmi` end to end on the original Gaussian demo file.

use std::process::Command;

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);

fn interplay() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_interplay"));
    c.arg("--quiet");
    c
}

fn run_json(extra: &[&str], dir: &std::path::Path, name: &str) -> serde_json::Value {
    let out = dir.join(name);
    let status = interplay()
        .args(["lsmi", "--data", REFERENCE, "--json"])
        .arg(&out)
        .args(extra)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let stdout = String::from_utf8_lossy(&status.stdout);
    assert!(
        stdout.contains("R") && stdout.contains("adjusted"),
        "table on stdout: {stdout}"
    );
    serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap()
}

#[test]
fn reference_file_json_and_per_sample_output() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("rows.csv");
    let v = run_json(
        &[
            "--prior",
            "uniform",
            "--seed",
            "1",
            "--per-sample",
            csv.to_str().unwrap(),
        ],
        dir.path(),
        "a.json",
    );
    assert_eq!(v["method"], "lsmi");
    assert_eq!(v["units"], "nats");
    assert_eq!(v["evaluated"], "val");
    assert_eq!(v["seed"], 1);
    assert_eq!(v["settings"]["prior"], "uniform");
    assert_eq!(v["n"], 400);
    let pair = &v["pairs"][0];
    let r = v["atoms"]["redundancy"].as_f64().unwrap();
    assert_eq!(pair["adjusted"]["redundancy"].as_f64().unwrap(), r);
    assert!((0.42..0.47).contains(&r), "R {r}");
    let sum = ["redundancy", "uniqueness_1", "uniqueness_2", "synergy"]
        .iter()
        .map(|k| v["atoms"][k].as_f64().unwrap())
        .sum::<f64>();
    assert!((sum - pair["mi"]["x1x2_y"].as_f64().unwrap()).abs() < 1e-9);
    let raw_r = pair["raw"]["redundancy"].as_f64().unwrap();
    assert!((raw_r + pair["adjustment"].as_f64().unwrap() - r).abs() < 1e-9);
    assert!(pair["entropy"]["x1"].as_f64().unwrap() > 1.0);
    let text = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 401);
    assert_eq!(
        lines[0],
        "index,modality_a,modality_b,r,u1,u2,s,i1,i2,i12,h1,h2"
    );
    // Same seed, same numbers; bits are nats / ln 2.
    let again = run_json(
        &["--prior", "uniform", "--seed", "1", "--units", "bits"],
        dir.path(),
        "b.json",
    );
    let bits = again["atoms"]["redundancy"].as_f64().unwrap();
    assert!(
        (bits * std::f64::consts::LN_2 - r).abs() < 1e-12,
        "{bits} bits vs {r} nats"
    );
}

#[test]
fn cross_fitting_single_split_and_npz() {
    let dir = tempfile::tempdir().unwrap();
    let npz = dir.path().join("rows.npz");
    let v = run_json(
        &[
            "--split",
            "train",
            "--folds",
            "2",
            "--epochs-discriminator",
            "5",
            "--epochs-entropy",
            "5",
            "--per-sample",
            npz.to_str().unwrap(),
        ],
        dir.path(),
        "c.json",
    );
    assert_eq!(v["n"], 1600);
    assert!(v["evaluated"].as_str().unwrap().contains("cross-fitted"));
    assert_eq!(v["settings"]["folds"], 2);
    let bytes = std::fs::read(&npz).unwrap();
    assert_eq!(&bytes[..2], b"PK", "an npz is a zip archive");
}

#[test]
fn bad_input_exits_with_status_2() {
    let out = interplay()
        .args(["lsmi", "--data", "/nonexistent/file.pt"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = interplay()
        .args(["lsmi", "--data", REFERENCE, "--folds", "1"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr).lines().count(), 1);
}

#[test]
fn three_modalities_report_every_pair() {
    use interplay::data::{Dataset, Split};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("three.npz");
    let make = |n: usize, shift: usize| {
        let y: Vec<usize> = (0..n).map(|r| (r * 7 + shift) % 2).collect();
        let mods = (0..3)
            .map(|m| {
                ndarray::Array2::from_shape_fn((n, 2), |(r, j)| {
                    let noise = (((r * 31 + j * 17 + m * 13 + shift) % 23) as f32 / 23.0) - 0.5;
                    let signal = if m < 2 && j == y[r] { 1.0 } else { 0.0 };
                    signal + noise
                })
            })
            .collect();
        Split::new(mods, Some(y)).unwrap()
    };
    let mut data = Dataset::default();
    data.splits.insert("train".into(), make(300, 0));
    data.splits.insert("val".into(), make(100, 1));
    interplay::data::write(&path, &data, None).unwrap();
    let out = dir.path().join("three.json");
    let run = interplay()
        .args(["lsmi", "--data"])
        .arg(&path)
        .args([
            "--epochs-discriminator",
            "3",
            "--epochs-entropy",
            "3",
            "--json",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    let pairs = v["pairs"].as_array().unwrap();
    let names: Vec<_> = pairs.iter().map(|p| p["modalities"].clone()).collect();
    assert_eq!(
        names,
        vec![
            serde_json::json!([1, 2]),
            serde_json::json!([1, 3]),
            serde_json::json!([2, 3])
        ]
    );
    assert_eq!(v["atoms"], pairs[0]["adjusted"]);
}

#[test]
#[cfg(feature = "parquet")]
fn per_sample_parquet_holds_one_row_per_sample_and_the_atoms_add_up() {
    use parquet::file::reader::{FileReader, SerializedFileReader};
    use parquet::record::Field;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.parquet");
    run_json(
        &["--per-sample", path.to_str().unwrap()],
        dir.path(),
        "p.json",
    );
    let reader = SerializedFileReader::new(std::fs::File::open(&path).unwrap()).unwrap();
    assert_eq!(reader.metadata().file_metadata().num_rows(), 400);
    for row in reader.get_row_iter(None).unwrap() {
        let row = row.unwrap();
        let value = |name: &str| -> f64 {
            let (_, field) = row.get_column_iter().find(|(n, _)| *n == name).unwrap();
            match field {
                Field::Double(v) => *v,
                Field::Long(v) => *v as f64,
                other => panic!("{name}: {other:?}"),
            }
        };
        // r + u1 = i1 and r + u1 + u2 + s = i12 for every sample.
        assert!((value("r") + value("u1") - value("i1")).abs() < 1e-9);
        assert!((value("r") + value("u1") + value("u2") + value("s") - value("i12")).abs() < 1e-9);
    }
}

#[test]
#[cfg(not(feature = "parquet"))]
fn per_sample_parquet_needs_the_parquet_feature() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("rows.parquet");
    let out = interplay()
        .args(["lsmi", "--data", REFERENCE, "--per-sample"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rebuild with the `parquet` feature"), "{err}");
    assert!(!path.exists());
}

/// The `[default: …]` that `interplay CMD --help` shows for `flag`.
fn help_default(cmd: &str, flag: &str) -> String {
    let out = interplay().args([cmd, "--help"]).output().unwrap();
    assert!(out.status.success());
    let help = String::from_utf8(out.stdout).unwrap();
    // The flag's entry runs to the next line that starts another flag.
    let start = help
        .lines()
        .position(|l| l.trim_start().starts_with(&format!("{flag} ")))
        .unwrap_or_else(|| panic!("{flag} missing in: {help}"));
    let entry: Vec<&str> = help
        .lines()
        .skip(start)
        .enumerate()
        .take_while(|(i, l)| *i == 0 || !l.trim_start().starts_with('-'))
        .map(|(_, l)| l.trim())
        .collect();
    let entry = entry.join(" ");
    let at = entry
        .find("[default: ")
        .unwrap_or_else(|| panic!("no default for {flag}: {entry}"));
    let rest = &entry[at + "[default: ".len()..];
    rest[..rest.find(']').unwrap()].to_string()
}

/// Defaults are written once, in the library's `Default`s: the help shows them.
#[test]
fn help_shows_the_library_defaults() {
    use interplay::intershap::InterShapConfig;
    use interplay::lsmi::LsmiConfig;
    use interplay::model::fusion::{Fusion, FusionTraining};
    use interplay::pid::continuous::DiscretiseOptions;
    use interplay::pid::BrojaOptions;
    use interplay::shape::ShapeMetric;
    let lsmi = LsmiConfig::default();
    let cases = [
        (
            "lsmi",
            "--epochs-discriminator",
            lsmi.discriminator.epochs.to_string(),
        ),
        ("lsmi", "--epochs-entropy", lsmi.knife.epochs.to_string()),
        ("lsmi", "--hidden", lsmi.hidden.to_string()),
        ("lsmi", "--prior", lsmi.prior.to_string()),
        ("lsmi", "--knife-init", lsmi.knife.init.to_string()),
        (
            "train",
            "--epochs",
            FusionTraining::default().epochs.to_string(),
        ),
        ("train", "--lr", FusionTraining::default().lr.to_string()),
        ("train", "--fusion", Fusion::default().to_string()),
        (
            "intershap",
            "--background",
            InterShapConfig::default().background.to_string(),
        ),
        (
            "intershap",
            "--output",
            InterShapConfig::default().output.to_string(),
        ),
        ("shape", "--metric", ShapeMetric::default().to_string()),
        (
            "pid",
            "--solver",
            BrojaOptions::default().solver.to_string(),
        ),
        (
            "pid",
            "--normalise",
            DiscretiseOptions::default().normalisation.to_string(),
        ),
    ];
    for (cmd, flag, want) in cases {
        assert_eq!(help_default(cmd, flag), want, "{cmd} {flag}");
    }
}

/// The reference data with modality 2 multiplied by `factor`, written as .npz.
fn scaled_reference(dir: &std::path::Path, factor: f32) -> std::path::PathBuf {
    let data = interplay::data::read(
        std::path::Path::new(REFERENCE),
        &interplay::data::ReadOptions::default(),
    )
    .unwrap();
    let mut scaled = interplay::data::Dataset::default();
    for (name, split) in &data.splits {
        let mut mods = split.modalities().to_vec();
        mods[1].mapv_inplace(|v| v * factor);
        let labels = split.labels().map(|l| l.to_vec());
        let split = interplay::data::Split::new(mods, labels).unwrap();
        scaled.splits.insert(name.clone(), split);
    }
    let path = dir.join(format!("scaled{factor}.npz"));
    interplay::data::write(&path, &scaled, None).unwrap();
    path
}

/// `interplay lsmi --json` on `data`: the JSON and stderr.
fn lsmi_json(
    data: &std::path::Path,
    extra: &[&str],
    out: &std::path::Path,
) -> (serde_json::Value, String) {
    let o = interplay()
        .args(["lsmi", "--data"])
        .arg(data)
        .arg("--json")
        .arg(out)
        .args(extra)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(o.status.success(), "{stderr}");
    let v = serde_json::from_str(&std::fs::read_to_string(out).unwrap()).unwrap();
    (v, stderr)
}

#[test]
fn intervals_and_repeats_are_in_the_json_and_the_table() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("a.json");
    let o = interplay()
        .args([
            "lsmi",
            "--data",
            REFERENCE,
            "--seed",
            "4",
            "--bootstrap",
            "200",
            "--json",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(
        stdout.contains("95 % intervals: bias-corrected bootstrap over 400 rows (200 replicates"),
        "{stdout}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(v["settings"]["standardise"], true);
    assert_eq!(v["settings"]["bootstrap"], 200);
    assert!(v["repeats"].is_null());
    let pair = &v["pairs"][0];
    assert_eq!(v["atoms_interval"], pair["adjusted_interval"]);
    for atom in ["redundancy", "uniqueness_1", "uniqueness_2", "synergy"] {
        let i = &v["atoms_interval"][atom];
        let (lo, hi) = (i["lower"].as_f64().unwrap(), i["upper"].as_f64().unwrap());
        assert!(
            lo < hi && i["std_err"].as_f64().unwrap() > 0.0,
            "{atom}: {i}"
        );
        assert_eq!(i["method"], "bootstrap-rows-bias-corrected");
        assert_eq!(i["level"], 0.95);
        let est = v["atoms"][atom].as_f64().unwrap();
        assert!(
            lo - 1e-12 <= est && est <= hi + 1e-12,
            "{atom} {est} outside {i}"
        );
        // The table prints the same number with its interval.
        assert!(
            stdout.contains(&format!("{est:.4} [{lo:.4}, {hi:.4}]")),
            "{stdout}"
        );
    }
    let mi = &pair["mi_interval"]["x1x2_y"];
    let i12 = pair["mi"]["x1x2_y"].as_f64().unwrap();
    assert!(mi["lower"].as_f64().unwrap() <= i12 && i12 <= mi["upper"].as_f64().unwrap());

    // Two refits, normal intervals: seeds 4 and 5, a combined interval per atom.
    let (v, _) = lsmi_json(
        std::path::Path::new(REFERENCE),
        &[
            "--seed",
            "4",
            "--repeats",
            "2",
            "--bootstrap",
            "0",
            "--confidence",
            "0.9",
        ],
        &dir.path().join("b.json"),
    );
    assert_eq!(v["atoms_interval"]["redundancy"]["method"], "normal-rows");
    let r = &v["repeats"];
    assert_eq!(r["seeds"], serde_json::json!([4, 5]));
    let red = &r["pairs"][0]["adjusted"]["redundancy"];
    assert_eq!(red["interval"]["method"], "normal-rows-repeats");
    assert_eq!(red["interval"]["level"], 0.9);
    let (sd, se) = (
        red["between_seed_sd"].as_f64().unwrap(),
        red["sampling_se"].as_f64().unwrap(),
    );
    let combined = red["interval"]["std_err"].as_f64().unwrap();
    assert!(sd > 0.0 && se > 0.0, "{red}");
    assert!(
        (combined - (se * se + sd * sd / 2.0).sqrt()).abs() < 1e-9,
        "{red}"
    );
}

#[test]
fn standardising_undoes_a_rescaled_modality_and_no_standardise_warns() {
    let dir = tempfile::tempdir().unwrap();
    let plain = std::path::Path::new(REFERENCE);
    let scaled = scaled_reference(dir.path(), 1e4);
    let redundancy = |v: &serde_json::Value| v["atoms"]["redundancy"].as_f64().unwrap();
    let seed = ["--seed", "2"];
    let (base, _) = lsmi_json(
        plain,
        &[&seed[..], &["--no-standardise"]].concat(),
        &dir.path().join("a.json"),
    );
    let (raw, stderr) = lsmi_json(
        &scaled,
        &[&seed[..], &["--no-standardise"]].concat(),
        &dir.path().join("b.json"),
    );
    let (std, std_err) = lsmi_json(&scaled, &seed, &dir.path().join("c.json"));
    // Without standardising the scaled modality warns, on stderr and in the JSON.
    let warnings: Vec<String> = raw["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w.as_str().unwrap().to_string())
        .collect();
    assert!(
        warnings.iter().any(|w| w.starts_with("modality 2:")),
        "{warnings:?}"
    );
    assert!(
        warnings
            .iter()
            .any(|w| w.starts_with("modalities 1 and 2:")),
        "{warnings:?}"
    );
    assert!(stderr.contains("warning: modality 2:"), "{stderr}");
    assert_eq!(raw["settings"]["standardise"], false);
    // Standardised, the scale does not warn and R is close to the unscaled one.
    assert!(
        std["warnings"].as_array().unwrap().is_empty(),
        "{}",
        std["warnings"]
    );
    assert!(!std_err.contains("warning:"), "{std_err}");
    let (b, r, s) = (redundancy(&base), redundancy(&raw), redundancy(&std));
    eprintln!("R: unscaled {b:.4}, scaled raw {r:.4}, scaled standardised {s:.4}");
    assert!((s - b).abs() < 0.05, "standardised R {s} vs unscaled {b}");
    assert!(
        (r - b).abs() > 4.0 * (s - b).abs(),
        "raw R {r}, standardised {s}, unscaled {b}"
    );
}
