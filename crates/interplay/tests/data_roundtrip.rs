//! Round trips through every reader/writer pair, and the PyTorch fixtures written
//! by `scripts/make_pt_fixtures.py` against numpy's encoding of the same numbers.

use interplay::data::{
    read, read_with_info, write, CsvSpec, DType, Dataset, Format, KeyRole, ReadOptions, Split,
};
use ndarray::{array, Array2};
use std::path::{Path, PathBuf};

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load(path: &Path) -> Dataset {
    read(path, &ReadOptions::default()).unwrap()
}

#[test]
fn reference_pt_has_the_lsmi_layout() {
    let (d, info) = read_with_info(Path::new(REFERENCE), &ReadOptions::default()).unwrap();
    assert_eq!(info.format, Format::Pt);
    assert_eq!(d.split_names(), vec!["train", "val"]);
    assert_eq!(d.splits["train"].len(), 1600);
    assert_eq!(d.splits["val"].len(), 400);
    assert_eq!(d.dims(), vec![2, 2]);
    assert_eq!(d.n_classes(), Some(2));
    let targets = info.keys.iter().find(|k| k.key == "train_targets").unwrap();
    assert_eq!(targets.dtype, DType::I64);
    assert_eq!(targets.shape, vec![1600]);
    let feats = info
        .keys
        .iter()
        .find(|k| k.key == "val_modal_2_features")
        .unwrap();
    assert_eq!(feats.dtype, DType::F32);
    assert_eq!(
        feats.role,
        KeyRole::Features {
            split: "val".into(),
            modality: 2
        }
    );
}

#[test]
fn pt_to_npz_safetensors_and_npy_dir_round_trip() {
    let original = load(Path::new(REFERENCE));
    let dir = tempfile::tempdir().unwrap();
    for (name, format) in [
        ("a.npz", None),
        ("a.safetensors", None),
        ("npy_out", Some(Format::NpyDir)),
    ] {
        let out = dir.path().join(name);
        write(&out, &original, format).unwrap();
        let back = load(&out);
        assert_eq!(back, original, "round trip through {name}");
        // And onwards: npz <-> safetensors in both directions.
        let again = dir.path().join(format!("{name}.again.safetensors"));
        write(&again, &back, None).unwrap();
        assert_eq!(load(&again), original);
        let again = dir.path().join(format!("{name}.again.npz"));
        write(&again, &back, None).unwrap();
        assert_eq!(load(&again), original);
    }
}

#[test]
fn pt_fixtures_match_numpy_encoding() {
    for name in ["f64_int32", "f16_bf16_3modal", "float_labels"] {
        let pt = load(&fixture(&format!("{name}.pt")));
        let npz = load(&fixture(&format!("{name}.expected.npz")));
        assert_eq!(pt, npz, "fixture {name}");
    }
}

#[test]
fn compressed_fortran_big_endian_npz_reads_like_the_pt_file() {
    let pt = load(&fixture("f64_int32.pt"));
    let npz = load(&fixture("f64_int32.numpy_variants.npz"));
    assert_eq!(pt, npz);
}

#[test]
fn pt_fixture_dtypes_and_layout_are_reported() {
    let (d, info) =
        read_with_info(&fixture("f16_bf16_3modal.pt"), &ReadOptions::default()).unwrap();
    assert_eq!(d.n_modalities(), 3);
    // The rank-3 modality (N×2×3, saved as a transposed view) is flattened per sample.
    assert_eq!(d.dims(), vec![4, 2, 6]);
    assert_eq!(d.splits["train"].extra("bits").unwrap().dim(), (12, 5));
    let dtype = |k: &str| info.keys.iter().find(|i| i.key == k).unwrap().dtype;
    assert_eq!(dtype("train_modal_1_features"), DType::F16);
    assert_eq!(dtype("train_modal_2_features"), DType::BF16);
    assert_eq!(dtype("train_modal_3_features"), DType::F32);

    let (d, info) = read_with_info(&fixture("f64_int32.pt"), &ReadOptions::default()).unwrap();
    assert_eq!(d.n_classes(), Some(3));
    let t = info.keys.iter().find(|i| i.key == "val_targets").unwrap();
    assert_eq!(t.dtype, DType::I32);
    assert_eq!(d.splits["val"].labels(), Some(&[0, 1, 2, 0, 1, 2][..]));
}

#[test]
fn fractional_float_labels_are_rejected() {
    let err = read(&fixture("fractional_labels.pt"), &ReadOptions::default()).unwrap_err();
    assert!(err.is_user_input());
    let msg = err.to_string();
    assert!(
        msg.contains("val_targets") && msg.contains("not an integer"),
        "{msg}"
    );
}

#[test]
fn extras_and_many_modalities_round_trip() {
    let original = load(&fixture("f16_bf16_3modal.pt"));
    let dir = tempfile::tempdir().unwrap();
    for name in ["x.npz", "x.safetensors"] {
        let out = dir.path().join(name);
        write(&out, &original, None).unwrap();
        assert_eq!(load(&out), original, "{name}");
    }
}

#[test]
fn csv_with_split_column_round_trips_to_npz() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("d.csv");
    std::fs::write(
        &csv,
        "split,a0,a1,b0,y,note\n\
         train,0.5,1,2,0,x\n\
         train,1.5,2,3,1,x\n\
         val,-1,0.25,4,1,x\n\
         train,2,3,-5,0,x\n\
         val,7,8,9,0,x\n",
    )
    .unwrap();
    let opts = ReadOptions {
        csv: CsvSpec {
            modalities: vec!["1=a0:a1".parse().unwrap(), "2=b0".parse().unwrap()],
            label: Some("y".into()),
            split_column: Some("split".into()),
            default_split: None,
        },
        ..Default::default()
    };
    let d = read(&csv, &opts).unwrap();
    let train = &d.splits["train"];
    assert_eq!(
        train.modalities()[0],
        array![[0.5f32, 1.0], [1.5, 2.0], [2.0, 3.0]]
    );
    assert_eq!(train.modalities()[1], array![[2.0f32], [3.0], [-5.0]]);
    assert_eq!(train.labels(), Some(&[0, 1, 0][..]));
    assert_eq!(d.splits["val"].labels(), Some(&[1, 0][..]));

    let out = dir.path().join("d.npz");
    write(&out, &d, None).unwrap();
    assert_eq!(load(&out), d);
}

#[test]
fn failed_writes_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let d = load(&fixture("float_labels.pt"));
    // A format that cannot be written.
    let err = write(&dir.path().join("out.pt"), &d, None).unwrap_err();
    assert!(err.to_string().contains("cannot write"), "{err}");
    // A ragged split cannot be made at all; an inconsistent dataset (splits with
    // different numbers of modalities) is refused by the writers.
    let ragged = Split::new(
        vec![Array2::zeros((3, 1)), Array2::zeros((3, 1))],
        Some(vec![0, 1]),
    );
    assert!(ragged.is_err());
    let split = |m: usize| Split::new(vec![Array2::zeros((3, 1)); m], Some(vec![0, 1, 0])).unwrap();
    let mut bad = Dataset::single("train", split(2));
    bad.splits.insert("val".into(), split(3));
    assert!(write(&dir.path().join("out.npz"), &bad, None).is_err());
    assert!(write(&dir.path().join("out.safetensors"), &bad, None).is_err());
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert!(left.is_empty(), "files left behind: {left:?}");
}
