//! `interplay generate`: the written files hold exactly what the library
//! generates for the same seed, and bad arguments exit with status 2.

use std::path::Path;
use std::process::{Command, Output};

use interplay::data::{read, ReadOptions};
use interplay::params::Validate;
use interplay::synth::{gaussian, hdxor, pid_discrete};

fn interplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args(args)
        .output()
        .expect("the interplay binary runs")
}

fn read_back(path: &Path) -> interplay::data::Dataset {
    read(path, &ReadOptions::default()).expect("the written file reads back")
}

#[test]
fn hd_xor_file_equals_the_library_output_with_bits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hd.npz");
    let out = interplay(&[
        "generate",
        "hd-xor",
        "--setting",
        "uniqueness2",
        "--modalities",
        "3",
        "--samples",
        "1200",
        "--seed",
        "5",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("train") && stdout.contains("200,100,150"),
        "{stdout}"
    );
    let want = hdxor::generate(
        &hdxor::HdXorConfig {
            n_samples: 1200,
            ..hdxor::HdXorConfig::new(hdxor::HdXorSetting::Uniqueness(2), 3)
        }
        .validate()
        .unwrap(),
        5,
    )
    .unwrap();
    let got = read_back(&path);
    assert_eq!(got, want.dataset);
    assert!(got.splits["test"].extras().contains_key(hdxor::BITS_KEY));

    // The original 0-based name selects the same modality with --zero-based.
    let path0 = dir.path().join("hd0.npz");
    let out = interplay(&[
        "generate",
        "hd-xor",
        "--setting",
        "uniqueness1",
        "--zero-based",
        "--modalities",
        "3",
        "--samples",
        "1200",
        "--seed",
        "5",
        "-o",
        path0.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    assert_eq!(read_back(&path0), want.dataset);
}

#[test]
fn gaussian_and_pid_discrete_files_equal_the_library_output() {
    let dir = tempfile::tempdir().unwrap();
    let g = dir.path().join("g.safetensors");
    let out = interplay(&[
        "-q",
        "generate",
        "gaussian",
        "--n-train",
        "300",
        "--n-val",
        "50",
        "--rho",
        "-0.3",
        "--classes",
        "3",
        "--seed",
        "9",
        "-o",
        g.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stderr.is_empty(), "quiet run printed on stderr");
    let cfg = gaussian::GaussianConfig {
        n_train: 300,
        n_val: 50,
        rho: -0.3,
        sigma: 0.5,
        n_classes: 3,
    }
    .validate()
    .unwrap();
    assert_eq!(read_back(&g), gaussian::generate(&cfg, 9).unwrap());

    let p = dir.path().join("p.npz");
    let csv = dir.path().join("and.csv");
    let out = interplay(&[
        "generate",
        "pid-discrete",
        "--dist",
        "AND",
        "--n-train",
        "400",
        "--n-test",
        "100",
        "--table-csv",
        csv.to_str().unwrap(),
        "-o",
        p.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = pid_discrete::canonical("and").unwrap();
    assert_eq!(
        read_back(&p),
        pid_discrete::sample_dataset(&table, 400, 0, 100, 0).unwrap()
    );
    assert_eq!(
        std::fs::read_to_string(&csv).unwrap(),
        pid_discrete::table_to_csv(&table)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0.311278"));
}

#[test]
fn bad_arguments_exit_with_status_2() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.npz");
    let p = path.to_str().unwrap();
    for args in [
        vec!["generate", "hd-xor", "--setting", "uniqueness0", "-o", p],
        vec!["generate", "hd-xor", "--setting", "uniqueness3", "-o", p],
        vec!["generate", "gaussian", "--rho", "1.0", "-o", p],
        vec!["generate", "gaussian"],
        vec!["generate", "pid-discrete", "--dist", "nand", "-o", p],
        vec!["generate", "pid-discrete", "--dist", "xor"],
    ] {
        let out = interplay(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
        assert!(!path.exists());
    }
}
