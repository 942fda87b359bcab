//! Our restricted unpickler against candle's pickle reader as the oracle: every
//! `.pt` fixture and the LSMI reference file must yield the same keys, dtypes,
//! shapes and values through both.

use candle_core::pickle::{Object, Stack};
use interplay::data::read::read_arrays;
use interplay::data::tensor::gather_strided;
use interplay::data::{CsvSpec, DType, Format, RawTensor};
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};

const REFERENCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/reference/lsmi_gaussian_seed42.pt"
);

/// Every `.pt` file the tests know of.
fn pt_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "pt"))
        .collect();
    files.sort();
    assert!(files.len() >= 4, "fixtures missing: {files:?}");
    files.push(PathBuf::from(REFERENCE));
    files
}

fn entry(zip: &mut zip::ZipArchive<std::fs::File>, name: &str) -> Option<Vec<u8>> {
    let mut e = zip.by_name(name).ok()?;
    let mut out = Vec::new();
    e.read_to_end(&mut out).unwrap();
    Some(out)
}

/// The tensors of a `.pt` file as candle's pickle parser sees them, viewed with
/// the same strided gather: the reader this crate used before its own unpickler.
fn oracle(path: &Path) -> Vec<(String, RawTensor)> {
    let mut zip = zip::ZipArchive::new(std::fs::File::open(path).unwrap()).unwrap();
    let pkl = zip
        .file_names()
        .find(|n| n.ends_with("data.pkl"))
        .unwrap()
        .to_string();
    let dir = pkl.strip_suffix("data.pkl").unwrap().to_string();
    let big = entry(&mut zip, &format!("{dir}byteorder")).is_some_and(|b| b.trim_ascii() == b"big");
    assert!(!big, "the fixtures are little-endian");
    let mut stack = Stack::empty();
    stack
        .read_loop(&mut Cursor::new(entry(&mut zip, &pkl).unwrap()))
        .unwrap();
    let Object::Dict(entries) = stack.finalize().unwrap() else {
        panic!("root is not a dict")
    };
    let mut out = Vec::new();
    for (key, value) in entries {
        let (Object::Unicode(key), Some(spec)) = (key, spec(value)) else {
            continue;
        };
        let (dtype, storage, offset, shape, strides) = spec;
        let data = entry(&mut zip, &format!("{dir}data/{storage}")).unwrap();
        let bytes = gather_strided(&data, dtype.size(), &shape, &strides, offset).unwrap();
        out.push((key, RawTensor::new(dtype, shape, bytes).unwrap()));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

type Spec = (DType, String, usize, Vec<usize>, Vec<usize>);

/// `_rebuild_tensor_v2(persistent_load(storage), offset, size, stride, ...)`,
/// possibly inside `_rebuild_parameter`.
fn spec(value: Object) -> Option<Spec> {
    let Object::Reduce { callable, args } = value else {
        return None;
    };
    let (callable, args) = match (*callable, *args) {
        (Object::Class { class_name, .. }, Object::Tuple(mut a))
            if class_name == "_rebuild_parameter" =>
        {
            match a.swap_remove(0) {
                Object::Reduce { callable, args } => (*callable, *args),
                _ => return None,
            }
        }
        (c, a) => (c, a),
    };
    let Object::Class { class_name, .. } = callable else {
        return None;
    };
    assert_eq!(class_name, "_rebuild_tensor_v2");
    let Object::Tuple(a) = args else { panic!() };
    let Object::PersistentLoad(pid) = &a[0] else {
        panic!()
    };
    let Object::Tuple(pid) = pid.as_ref() else {
        panic!()
    };
    let (Object::Class { class_name, .. }, Object::Unicode(key)) = (&pid[1], &pid[2]) else {
        panic!()
    };
    Some((
        dtype(class_name),
        key.clone(),
        int(&a[1]),
        ints(&a[2]),
        ints(&a[3]),
    ))
}

fn dtype(class_name: &str) -> DType {
    match class_name {
        "FloatStorage" => DType::F32,
        "DoubleStorage" => DType::F64,
        "HalfStorage" => DType::F16,
        "BFloat16Storage" => DType::BF16,
        "LongStorage" => DType::I64,
        "IntStorage" => DType::I32,
        "ShortStorage" => DType::I16,
        "CharStorage" => DType::I8,
        "ByteStorage" => DType::U8,
        "BoolStorage" => DType::Bool,
        other => panic!("storage {other}"),
    }
}

fn int(o: &Object) -> usize {
    match o {
        Object::Int(v) => usize::try_from(*v).unwrap(),
        Object::Long(v) => usize::try_from(*v).unwrap(),
        other => panic!("not an int: {other:?}"),
    }
}

fn ints(o: &Object) -> Vec<usize> {
    match o {
        Object::Tuple(v) | Object::List(v) => v.iter().map(int).collect(),
        other => panic!("not a tuple: {other:?}"),
    }
}

#[test]
fn every_pt_file_reads_the_same_as_with_candles_unpickler() {
    for path in pt_files() {
        let ours = read_arrays(&path, Format::Pt, &CsvSpec::default()).unwrap();
        let theirs = oracle(&path);
        assert!(!ours.is_empty(), "{}", path.display());
        let keys = |v: &[(String, RawTensor)]| v.iter().map(|(k, _)| k.clone()).collect::<Vec<_>>();
        assert_eq!(keys(&ours), keys(&theirs), "{}", path.display());
        for ((key, a), (_, b)) in ours.iter().zip(&theirs) {
            assert_eq!(a.dtype, b.dtype, "{} key {key}", path.display());
            assert_eq!(a.shape, b.shape, "{} key {key}", path.display());
            assert_eq!(a.bytes(), b.bytes(), "{} key {key}", path.display());
        }
    }
}

#[test]
fn reading_from_bytes_matches_reading_the_file() {
    for path in pt_files() {
        let bytes = std::fs::read(&path).unwrap();
        let name = path.file_name().unwrap().to_str().unwrap();
        let from_bytes = interplay::data::read_arrays_from_bytes(name, &bytes, Format::Pt).unwrap();
        let from_file = read_arrays(&path, Format::Pt, &CsvSpec::default()).unwrap();
        assert_eq!(from_bytes, from_file, "{}", path.display());
    }
}
