//! `interplay pid` end to end: a joint table in, a table on stdout and JSON out.

use std::process::Command;

fn interplay() -> Command {
    Command::new(env!("CARGO_BIN_EXE_interplay"))
}

#[test]
fn pid_of_the_and_table_in_bits() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("and.csv");
    std::fs::write(
        &csv,
        "x1,x2,y,p\n0,0,0,0.25\n0,1,0,0.25\n1,0,0,0.25\n1,1,1,0.25\n",
    )
    .unwrap();
    let json = dir.path().join("out.json");
    let out = interplay()
        .args(["--quiet", "pid", "--joint"])
        .arg(&csv)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("redundancy") && stdout.contains("bits"),
        "{stdout}"
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["method"], "pid");
    assert_eq!(v["units"], "bits");
    assert_eq!(v["solver"]["status"], "optimal");
    assert_eq!(v["source"]["kind"], "joint");
    let r = v["atoms"]["redundancy"].as_f64().unwrap();
    let s = v["atoms"]["synergy"].as_f64().unwrap();
    assert!((r - 0.311_278_124_459_132_9).abs() < 1e-6, "R {r}");
    assert!((s - 0.5).abs() < 1e-6, "S {s}");
}

#[cfg(feature = "clarabel")]
#[test]
fn nats_and_the_clarabel_solver_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("xor.csv");
    std::fs::write(&csv, "x1,x2,y,p\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n").unwrap();
    let json = dir.path().join("out.json");
    let out = interplay()
        .args(["pid", "--units", "nats", "--solver", "clarabel", "--joint"])
        .arg(&csv)
        .arg("--json")
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["units"], "nats");
    assert_eq!(v["solver"]["name"], "clarabel");
    assert!((v["atoms"]["synergy"].as_f64().unwrap() - std::f64::consts::LN_2).abs() < 1e-6);
}

#[test]
fn bad_input_exits_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "x1,x2,p\n0,0,1\n").unwrap();
    let out = interplay()
        .args(["pid", "--joint"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("missing column 'y'"), "{err}");
    let none = interplay().args(["pid"]).output().unwrap();
    assert_eq!(none.status.code(), Some(2));
}

#[test]
fn pid_of_csv_data_finds_the_informative_modality() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("data.csv");
    let mut text = String::from("a0,a1,b0,b1,y\n");
    for i in 0..400 {
        let y = i % 2;
        // x1 separates the labels; x2 is a pattern unrelated to them.
        let a0 = 5.0 * y as f64 + (i % 7) as f64 * 0.1;
        let a1 = (i % 5) as f64 * 0.1;
        let b0 = ((i / 2) % 4) as f64;
        let b1 = ((i / 2) % 3) as f64;
        text.push_str(&format!("{a0},{a1},{b0},{b1},{y}\n"));
    }
    std::fs::write(&csv, text).unwrap();
    let json = dir.path().join("out.json");
    let out = interplay()
        .args(["pid", "--data"])
        .arg(&csv)
        .args([
            "--modality",
            "1=a0:a1",
            "--modality",
            "2=b0:b1",
            "--label",
            "y",
        ])
        .args([
            "--clusters",
            "4",
            "--pca",
            "2",
            "--normalise",
            "none",
            "--json",
        ])
        .arg(&json)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["method"], "pid");
    assert_eq!(v["source"]["kind"], "data");
    let u1 = v["atoms"]["uniqueness_1"].as_f64().unwrap();
    assert!(u1 > 0.95, "U1 {u1} bits: {v}");
    assert!(v["atoms"]["uniqueness_2"].as_f64().unwrap().abs() < 0.02);
    // The shuffle null (default 200 shuffles) rides along: U1 is far above it.
    let null = &v["null"];
    assert_eq!(null["shuffles"], 200);
    assert_eq!(null["alpha"], 0.05);
    let u1_null = &null["uniqueness_1"];
    assert_eq!(u1_null["observed"].as_f64().unwrap(), u1);
    assert!((u1_null["p_value"].as_f64().unwrap() - 1.0 / 201.0).abs() < 1e-12);
    assert_eq!(u1_null["significant"], true);
    let corrected = u1_null["corrected"].as_f64().unwrap();
    let null_mean = u1_null["null_mean"].as_f64().unwrap();
    assert!((corrected - (u1 - null_mean)).abs() < 1e-12 && null_mean >= 0.0);
    for atom in ["redundancy", "uniqueness_2", "synergy", "mi_x1x2_y"] {
        let p = null[atom]["p_value"].as_f64().unwrap();
        assert!(p > 0.0 && p <= 1.0, "{atom}: {p}");
    }
    assert!(v["warnings"].is_array());
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("corrected") && table.contains("200 label shuffles"),
        "{table}"
    );
}

#[cfg(not(feature = "clarabel"))]
#[test]
fn the_clarabel_solver_needs_the_clarabel_feature() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("xor.csv");
    std::fs::write(&csv, "x1,x2,y,p\n0,0,0,1\n0,1,1,1\n1,0,1,1\n1,1,0,1\n").unwrap();
    let out = interplay()
        .args(["pid", "--solver", "clarabel", "--joint"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("rebuild with the `clarabel` feature"), "{err}");
}
