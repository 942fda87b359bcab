//! Every output flag is transactional: a run that fails leaves each file it would
//! have written byte-identical (or absent), and leaves no temporary file behind;
//! bad destinations are refused before any work starts.

use std::path::{Path, PathBuf};
use std::process::Command;

fn interplay(dir: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_interplay"));
    c.arg("--quiet").current_dir(dir);
    c
}

fn run_ok(dir: &Path, args: &[&str]) {
    let out = interplay(dir).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A small HD-XOR file, a model trained on it, and a model of other widths.
fn fixtures(dir: &Path) {
    run_ok(
        dir,
        &[
            "generate",
            "hd-xor",
            "--setting",
            "synergy",
            "--samples",
            "300",
            "-o",
            "data.npz",
        ],
    );
    run_ok(
        dir,
        &[
            "generate",
            "hd-xor",
            "--setting",
            "synergy",
            "--samples",
            "300",
            "--dims",
            "7,5",
            "-o",
            "other.npz",
        ],
    );
    for (data, model) in [
        ("data.npz", "model.safetensors"),
        ("other.npz", "other.safetensors"),
    ] {
        run_ok(
            dir,
            &["train", "--data", data, "-o", model, "--epochs", "2"],
        );
    }
}

/// Files in `dir` other than the fixtures and the protected outputs.
fn leftovers(dir: &Path, keep: &[&str]) -> Vec<PathBuf> {
    let fixed = [
        "data.npz",
        "other.npz",
        "model.safetensors",
        "other.safetensors",
        "joint.csv",
    ];
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            !fixed.contains(&name.as_str()) && !keep.contains(&name.as_str())
        })
        .collect()
}

/// Run `args` (which must fail with status 2) with `outputs` pre-filled with known
/// bytes; every one must be unchanged and nothing else may appear.
fn assert_failed_run_keeps(dir: &Path, args: &[&str], outputs: &[&str]) {
    for (i, name) in outputs.iter().enumerate() {
        std::fs::write(dir.join(name), format!("precious {i}\n")).unwrap();
    }
    let out = interplay(dir).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
    assert!(
        !stderr.contains(".interplay-"),
        "error names a temp file: {stderr}"
    );
    for (i, name) in outputs.iter().enumerate() {
        assert_eq!(
            std::fs::read_to_string(dir.join(name)).unwrap(),
            format!("precious {i}\n"),
            "{args:?} changed {name}"
        );
        std::fs::remove_file(dir.join(name)).unwrap();
    }
    assert_eq!(leftovers(dir, &[]), Vec::<PathBuf>::new(), "{args:?}");
}

#[test]
fn failed_runs_leave_every_output_byte_identical() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fixtures(dir);
    std::fs::write(dir.join("joint.csv"), "x1,x2,y,p\n0,0,0,-1\n").unwrap();
    let cases: &[(&[&str], &[&str])] = &[
        // LSMI: the split does not exist (found after the outputs were planned).
        (
            &[
                "lsmi",
                "--data",
                "data.npz",
                "--split",
                "train",
                "--folds",
                "999999",
                "--json",
                "r.json",
                "--per-sample",
                "r.csv",
            ],
            &["r.json", "r.csv"],
        ),
        (
            &[
                "lsmi",
                "--data",
                "data.npz",
                "--folds",
                "999999",
                "--split",
                "train",
                "--per-sample",
                "r.parquet",
            ],
            &["r.parquet"],
        ),
        (
            &[
                "lsmi",
                "--data",
                "data.npz",
                "--folds",
                "999999",
                "--split",
                "train",
                "--per-sample",
                "r.npz",
            ],
            &["r.npz"],
        ),
        // InterSHAP: the model's widths do not match the data.
        (
            &[
                "intershap",
                "--data",
                "data.npz",
                "--model",
                "other.safetensors",
                "--json",
                "i.json",
                "--per-sample",
                "i.npz",
            ],
            &["i.json", "i.npz"],
        ),
        (
            &[
                "intershap",
                "--data",
                "data.npz",
                "--model",
                "other.safetensors",
                "--per-sample",
                "i.csv",
            ],
            &["i.csv"],
        ),
        (
            &[
                "emap",
                "--data",
                "data.npz",
                "--model",
                "other.safetensors",
                "--json",
                "e.json",
            ],
            &["e.json"],
        ),
        (
            &[
                "shape",
                "--data",
                "data.npz",
                "--model",
                "other.safetensors",
                "--json",
                "s.json",
            ],
            &["s.json"],
        ),
        (
            &[
                "compare",
                "--data",
                "data.npz",
                "--model",
                "other.safetensors",
                "--json",
                "c.json",
            ],
            &["c.json"],
        ),
        // Training: the validation split does not exist.
        (
            &[
                "train",
                "--data",
                "data.npz",
                "--val-split",
                "nope",
                "-o",
                "m.safetensors",
                "--json",
                "t.json",
            ],
            &["m.safetensors", "t.json"],
        ),
        (
            &["pid", "--joint", "joint.csv", "--json", "p.json"],
            &["p.json"],
        ),
        (&["inspect", "joint.csv", "--json", "n.json"], &["n.json"]),
        (&["convert", "joint.csv", "out.npz"], &["out.npz"]),
        (
            &[
                "generate",
                "pid-discrete",
                "--dist",
                "nope",
                "-o",
                "g.npz",
                "--table-csv",
                "g.csv",
            ],
            &["g.npz", "g.csv"],
        ),
        // A bad second destination fails before the first is touched.
        (
            &[
                "lsmi",
                "--data",
                "data.npz",
                "--json",
                "r.json",
                "--per-sample",
                "r.xlsx",
            ],
            &["r.json"],
        ),
        (
            &[
                "intershap",
                "--data",
                "data.npz",
                "--model",
                "model.safetensors",
                "--json",
                "i.json",
                "--per-sample",
                "missing/i.csv",
            ],
            &["i.json"],
        ),
    ];
    for (args, outputs) in cases {
        assert_failed_run_keeps(dir, args, outputs);
    }
}

#[test]
fn bad_destinations_are_refused_before_work_with_the_real_path() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "lsmi",
                "--data",
                "nonexistent.npz",
                "--per-sample",
                "x.xlsx",
            ],
            "x.xlsx",
        ),
        (
            &[
                "lsmi",
                "--data",
                "nonexistent.npz",
                "--json",
                "no/such/x.json",
            ],
            "no/such",
        ),
        (
            &[
                "intershap",
                "--data",
                "d.npz",
                "--model",
                "m.onnx",
                "--per-sample",
                "x.xlsx",
            ],
            ".csv, .npz, .parquet",
        ),
        (
            &["train", "--data", "d.npz", "-o", "model.onnx"],
            ".safetensors",
        ),
        (
            &[
                "lsmi",
                "--data",
                "d.npz",
                "--json",
                "same.json",
                "--per-sample",
                "same.json",
            ],
            "same file",
        ),
        (&["pid", "--joint", "j.csv", "--json", "."], "directory"),
    ];
    for (args, expected) in cases {
        let out = interplay(dir).args(*args).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(expected), "{args:?}: {stderr}");
        assert!(
            !stderr.contains("No such file"),
            "checked before reading: {stderr}"
        );
    }
    assert_eq!(std::fs::read_dir(dir).unwrap().count(), 0);
}

#[test]
fn a_closed_stdout_ends_quietly_and_still_writes_the_outputs() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    run_ok(
        dir,
        &[
            "generate",
            "pid-discrete",
            "--dist",
            "xor",
            "--table-csv",
            "xor.csv",
        ],
    );
    let mut child = interplay(dir)
        .args(["pid", "--joint", "xor.csv", "--json", "p.json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // Close the reading end before the command prints.
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(dir.join("p.json").exists());
}
