//! `interplay inspect` and `interplay convert` through the real binary: the
//! reference file, conversions, and one test per kind of bad input (message and
//! exit status 2).

use interplay::data::npz;
use interplay::data::{DType, RawTensor};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);

fn interplay(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interplay"))
        .args(args)
        .output()
        .expect("run interplay")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Run `inspect` on a bad file and check it fails with status 2 and a one-line
/// message containing every `needle`.
fn assert_rejected(path: &Path, extra: &[&str], needles: &[&str]) {
    let mut args = vec!["inspect", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = interplay(&args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "stderr: {err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(path.file_name().unwrap().to_str().unwrap()),
        "{err}"
    );
    for n in needles {
        assert!(err.contains(n), "expected '{n}' in: {err}");
    }
}

fn f32_tensor(shape: &[usize], values: &[f32]) -> RawTensor {
    let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    RawTensor::new(DType::F32, shape.to_vec(), bytes).unwrap()
}

fn i64_tensor(values: &[i64]) -> RawTensor {
    let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    RawTensor::new(DType::I64, vec![values.len()], bytes).unwrap()
}

/// A well-formed 2-modality train split of 4 rows, to be spoiled by each test.
fn good_arrays() -> Vec<(String, RawTensor)> {
    vec![
        (
            "train_modal_1_features".into(),
            f32_tensor(&[4, 2], &[0., 1., 2., 3., 4., 5., 6., 7.]),
        ),
        (
            "train_modal_2_features".into(),
            f32_tensor(&[4, 1], &[1., 2., 3., 4.]),
        ),
        ("train_targets".into(), i64_tensor(&[0, 1, 1, 0])),
    ]
}

fn write_npz(dir: &Path, name: &str, arrays: &[(String, RawTensor)]) -> PathBuf {
    let path = dir.join(name);
    let file = std::fs::File::create(&path).unwrap();
    npz::write_to(file, &path, arrays).unwrap();
    path
}

fn replace(
    mut arrays: Vec<(String, RawTensor)>,
    key: &str,
    t: RawTensor,
) -> Vec<(String, RawTensor)> {
    arrays.iter_mut().find(|(k, _)| k == key).unwrap().1 = t;
    arrays
}

#[test]
fn inspect_reference_file() {
    let o = interplay(&["inspect", REFERENCE]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("2 splits, 2 modalities (dims 2, 2), 2 classes"),
        "{out}"
    );
    let row = |split: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{split} ")))
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(row("train")[..4], ["train", "1600", "2", "cols"]);
    assert_eq!(row("val")[..4], ["val", "400", "2", "cols"]);
    assert!(
        out.contains("train_targets           int64    [1600]"),
        "{out}"
    );
    // Class balance: counts and percentages per split.
    assert!(out.contains("200 (50.0%)"), "{out}");
}

#[test]
fn inspect_writes_json() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("info.json");
    let o = interplay(&["inspect", REFERENCE, "--json", json.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["format"], "pt");
    assert_eq!(v["n_classes"], 2);
    assert_eq!(v["dims"], serde_json::json!([2, 2]));
    assert_eq!(v["splits"][0]["name"], "train");
    assert_eq!(v["splits"][0]["rows"], 1600);
    assert_eq!(v["splits"][1]["rows"], 400);
    let counts = v["splits"][1]["class_counts"].as_array().unwrap();
    assert_eq!(counts.iter().map(|c| c.as_u64().unwrap()).sum::<u64>(), 400);
}

#[test]
fn convert_pt_to_npz_and_safetensors_then_inspect() {
    let dir = tempfile::tempdir().unwrap();
    let npz = dir.path().join("g.npz");
    let st = dir.path().join("g.safetensors");
    let o = interplay(&["convert", REFERENCE, npz.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("train 1600, val 400"), "{}", stdout(&o));
    let o = interplay(&["convert", npz.to_str().unwrap(), st.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = stdout(&interplay(&["inspect", REFERENCE]));
    let converted = stdout(&interplay(&["inspect", st.to_str().unwrap()]));
    // Same description apart from the first line (file name and format).
    let body = |s: &str| s.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert_eq!(body(&reference), body(&converted));
}

#[test]
fn convert_csv_with_column_spec() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    std::fs::write(
        &csv,
        "f0,f1,f2,y,part\n1,2,3,0,train\n4,5,6,1,train\n7,8,9,1,val\n1,1,1,0,val\n",
    )
    .unwrap();
    let out = dir.path().join("d.npz");
    let o = interplay(&[
        "convert",
        csv.to_str().unwrap(),
        out.to_str().unwrap(),
        "--modality",
        "1=f0:f1",
        "--modality",
        "2=f2",
        "--label",
        "y",
        "--split-column",
        "part",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let info = stdout(&interplay(&["inspect", out.to_str().unwrap()]));
    assert!(
        info.contains("2 modalities (dims 2, 1), 2 classes"),
        "{info}"
    );
}

#[test]
fn rejects_missing_key_listing_keys_found() {
    let dir = tempfile::tempdir().unwrap();
    let mut arrays = good_arrays();
    arrays.remove(1);
    let p = write_npz(dir.path(), "missing.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &[
            "missing key 'train_modal_2_features'",
            "keys found: train_modal_1_features, train_targets",
        ],
    );
}

#[test]
fn rejects_labels_without_features() {
    let dir = tempfile::tempdir().unwrap();
    let mut arrays = good_arrays();
    arrays.push(("test_targets".into(), i64_tensor(&[0, 1])));
    let p = write_npz(dir.path(), "orphan.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &["missing key 'test_modal_1_features' for the labels 'test_targets'"],
    );
}

#[test]
fn rejects_row_counts_that_differ() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(good_arrays(), "train_targets", i64_tensor(&[0, 1, 1]));
    let p = write_npz(dir.path(), "rows.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &["key 'train_targets' has 3 rows but key 'train_modal_1_features' has 4"],
    );
}

#[test]
fn rejects_nan_and_inf_with_location() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(
        good_arrays(),
        "train_modal_1_features",
        f32_tensor(&[4, 2], &[0., 1., 2., f32::NAN, 4., f32::INFINITY, 6., 7.]),
    );
    let p = write_npz(dir.path(), "nan.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &[
            "key 'train_modal_1_features' has 2 non-finite values",
            "first is NaN at row 1, column 1",
        ],
    );
}

#[test]
fn rejects_negative_labels() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(good_arrays(), "train_targets", i64_tensor(&[0, 1, -1, 0]));
    let p = write_npz(dir.path(), "neg.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &["key 'train_targets': label at row 2 is -1; class ids must be 0 or more"],
    );
}

#[test]
fn rejects_fractional_labels() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(
        good_arrays(),
        "train_targets",
        f32_tensor(&[4], &[0., 1., 1.5, 0.]),
    );
    let p = write_npz(dir.path(), "frac.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &["key 'train_targets': label at row 2 is 1.5, not an integer"],
    );
}

#[test]
fn rejects_labels_at_or_above_class_count() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(good_arrays(), "train_targets", i64_tensor(&[0, 1, 2, 0]));
    let p = write_npz(dir.path(), "big.npz", &arrays);
    assert_rejected(
        &p,
        &["--classes", "2"],
        &["label at row 2 is 2, not below the number of classes (2)"],
    );
}

#[test]
fn rejects_split_with_one_class() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(good_arrays(), "train_targets", i64_tensor(&[1, 1, 1, 1]));
    let p = write_npz(dir.path(), "one.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &[
            "key 'train_targets' holds a single class (1)",
            "at least 2 classes",
        ],
    );
}

#[test]
fn rejects_empty_arrays() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(
        good_arrays(),
        "train_modal_2_features",
        f32_tensor(&[4, 0], &[]),
    );
    let p = write_npz(dir.path(), "empty.npz", &arrays);
    assert_rejected(
        &p,
        &[],
        &["key 'train_modal_2_features' is empty (shape [4, 0])"],
    );
}

#[test]
fn rejects_truncated_archives() {
    let dir = tempfile::tempdir().unwrap();
    let good = write_npz(dir.path(), "good.npz", &good_arrays());
    let bytes = std::fs::read(&good).unwrap();
    let npz = dir.path().join("cut.npz");
    std::fs::write(&npz, &bytes[..bytes.len() / 2]).unwrap();
    assert_rejected(&npz, &[], &["truncated or corrupt"]);

    let reference = std::fs::read(REFERENCE).unwrap();
    let pt = dir.path().join("cut.pt");
    std::fs::write(&pt, &reference[..reference.len() - 100]).unwrap();
    assert_rejected(&pt, &[], &["truncated or corrupt"]);

    let st = dir.path().join("cut.safetensors");
    let o = interplay(&["convert", good.to_str().unwrap(), st.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let bytes = std::fs::read(&st).unwrap();
    std::fs::write(&st, &bytes[..bytes.len() - 10]).unwrap();
    assert_rejected(&st, &[], &["truncated or corrupt"]);
}

#[test]
fn rejects_corrupt_payload_inside_a_valid_zip() {
    // A valid archive whose .npy entry holds garbage.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.npz");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file(
        "train_modal_1_features.npy",
        zip::write::SimpleFileOptions::default(),
    )
    .unwrap();
    std::io::Write::write_all(&mut zip, b"not an array at all").unwrap();
    zip.finish().unwrap();
    assert_rejected(
        &path,
        &[],
        &["key 'train_modal_1_features'", "not a .npy array"],
    );
}

#[test]
fn rejects_a_pt_file_whose_pickle_is_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.pt");
    let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
    zip.start_file("archive/data.pkl", zip::write::SimpleFileOptions::default())
        .unwrap();
    std::io::Write::write_all(&mut zip, b"\x80\x02}q\x00(X\xff\xff\xff\x7f").unwrap();
    zip.finish().unwrap();
    assert_rejected(&path, &[], &["cannot parse the pickle in archive/data.pkl"]);
}

#[test]
fn inspect_lists_classes_up_to_the_given_count() {
    let o = interplay(&["inspect", REFERENCE, "--classes", "3"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stdout(&o).contains("\n2      0 (0.0%)     0 (0.0%)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn rejects_unknown_extension_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("data.xyz");
    std::fs::write(&p, b"hello").unwrap();
    assert_rejected(&p, &[], &["unknown extension"]);
    assert_rejected(&dir.path().join("absent.npz"), &[], &["no such file"]);
    let npy = dir.path().join("one.npy");
    std::fs::write(&npy, b"x").unwrap();
    assert_rejected(&npy, &[], &["a single .npy file holds one array"]);
}

#[test]
fn rejects_bad_csv_cells_and_specs() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("bad.csv");
    std::fs::write(&csv, "a,b,y\n1,2,0\n3,oops,1\n").unwrap();
    let spec = ["--modality", "1=a", "--modality", "2=b", "--label", "y"];
    assert_rejected(
        &csv,
        &spec,
        &["line 3, column 'b': cannot read 'oops' as a number"],
    );
    assert_rejected(
        &csv,
        &["--modality", "1=a", "--modality", "2=zz"],
        &["no column 'zz' (columns: a, b, y)"],
    );
    assert_rejected(&csv, &["--modality", "1=a"], &["at least 2 modalities"]);
}

#[test]
fn failed_convert_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let arrays = replace(good_arrays(), "train_targets", i64_tensor(&[0, 1, -1, 0]));
    let bad = write_npz(dir.path(), "neg.npz", &arrays);
    let out = dir.path().join("out.safetensors");
    let o = interplay(&["convert", bad.to_str().unwrap(), out.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let o = interplay(&[
        "convert",
        REFERENCE,
        dir.path().join("x.csv").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot write the csv format"),
        "{}",
        stderr(&o)
    );
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, vec!["neg.npz"]);
}
