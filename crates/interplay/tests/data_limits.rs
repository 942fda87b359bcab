//! Hostile and malformed inputs built in memory: every binary reader must refuse
//! them quickly with a one-line format error, without large allocations, stack
//! overflows or panics.

use interplay::data::{read_arrays_from_bytes, Format, RawTensor};
use interplay::Error;
use std::io::{Cursor, Write};
use std::time::{Duration, Instant};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

/// A pickle written opcode by opcode, the way `torch.save` lays a dict out.
struct Pickle(Vec<u8>);

impl Pickle {
    fn new() -> Self {
        Pickle(vec![0x80, 2])
    }
    fn op(mut self, bytes: &[u8]) -> Self {
        self.0.extend_from_slice(bytes);
        self
    }
    fn str(self, s: &str) -> Self {
        let len = u8::try_from(s.len()).unwrap();
        self.op(&[0x8c, len]).op(s.as_bytes())
    }
    fn int(self, v: i64) -> Self {
        match i32::try_from(v) {
            Ok(v) => self.op(b"J").op(&v.to_le_bytes()),
            Err(_) => self.op(&[0x8a, 8]).op(&v.to_le_bytes()),
        }
    }
    fn global(self, module: &str, name: &str) -> Self {
        self.op(format!("c{module}\n{name}\n").as_bytes())
    }
    fn ints(self, values: &[i64]) -> Self {
        values.iter().fold(self.op(b"("), |p, &v| p.int(v)).op(b"t")
    }
    /// `_rebuild_tensor_v2(storage 'key' of `numel` floats, offset, shape, stride, False, OrderedDict())`.
    fn tensor(self, key: &str, numel: i64, offset: i64, shape: &[i64], stride: &[i64]) -> Self {
        self.global("torch._utils", "_rebuild_tensor_v2")
            .op(b"((")
            .str("storage")
            .global("torch", "FloatStorage")
            .str(key)
            .str("cpu")
            .int(numel)
            .op(b"tQ")
            .int(offset)
            .ints(shape)
            .ints(stride)
            .op(&[0x89])
            .global("collections", "OrderedDict")
            .op(b")RtR")
    }
    fn stop(self) -> Vec<u8> {
        self.op(b".").0
    }
}

/// A `.pt` archive holding `pickle` as `archive/data.pkl` and the storages.
fn pt(pickle: &[u8], storages: &[(&str, &[u8])]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    zip.start_file("archive/data.pkl", stored).unwrap();
    zip.write_all(pickle).unwrap();
    for (key, bytes) in storages {
        zip.start_file(format!("archive/data/{key}"), stored)
            .unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

/// One float tensor `x` viewing storage '0' of `numel` elements (0, 1, 2, ...).
fn one_tensor(numel: i64, offset: i64, shape: &[i64], stride: &[i64]) -> Vec<u8> {
    let pickle = Pickle::new()
        .op(b"}")
        .str("x")
        .tensor("0", numel, offset, shape, stride)
        .op(b"s")
        .stop();
    let data: Vec<u8> = (0..numel).flat_map(|i| (i as f32).to_le_bytes()).collect();
    pt(&pickle, &[("0", &data)])
}

/// Read bytes as `format`, asserting it takes well under a second.
fn read_timed(
    bytes: &[u8],
    name: &str,
    format: Format,
) -> interplay::Result<Vec<(String, RawTensor)>> {
    let start = Instant::now();
    let out = read_arrays_from_bytes(name, bytes, format);
    let took = start.elapsed();
    assert!(took < Duration::from_secs(1), "{name} took {took:?}");
    out
}

/// The one-line format error of a refused input, checked to contain `needles`.
fn refused(bytes: &[u8], name: &str, format: Format, needles: &[&str]) {
    let err = read_timed(bytes, name, format).expect_err("hostile input was accepted");
    assert!(
        matches!(err, Error::Format { .. }),
        "not a format error: {err}"
    );
    let message = err.to_string();
    assert!(!message.contains('\n'), "{message}");
    for needle in needles {
        assert!(message.contains(needle), "'{needle}' not in: {message}");
    }
}

#[test]
fn a_well_formed_pt_with_a_broadcast_view_reads() {
    let bytes = one_tensor(10, 0, &[3, 10], &[0, 1]);
    let out = read_timed(&bytes, "ok.pt", Format::Pt).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].1.shape, vec![3, 10]);
    let row: Vec<f64> = (0..10).map(f64::from).collect();
    assert_eq!(
        out[0].1.to_f64_vec(),
        [row.clone(), row.clone(), row].concat()
    );
}

#[test]
fn protocol_4_opcodes_and_parameters_read() {
    // FRAME, STACK_GLOBAL, MEMOIZE, BINGET, an OrderedDict root, a Parameter
    // wrapper, SETITEMS, LONG1 and a transposed view.
    let pickle = Pickle::new()
        .op(&[0x95])
        .op(&0u64.to_le_bytes())
        .str("collections")
        .str("OrderedDict")
        .op(&[0x93, 0x94])
        .op(b")R(")
        .str("w")
        .global("torch._utils", "_rebuild_parameter")
        .op(b"(")
        .tensor("0", 6, 0, &[3, 2], &[1, 3])
        .op(&[0x88])
        .op(b"h\x00)R") // OrderedDict again, from the memo
        .op(b"tR")
        .str("n")
        .op(&[0x8a, 1, 0xff])
        .op(b"u")
        .stop();
    let data: Vec<u8> = (0..6).flat_map(|i| (i as f32).to_le_bytes()).collect();
    let out = read_timed(&pt(&pickle, &[("0", &data)]), "p4.pt", Format::Pt).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0].0, "w");
    assert_eq!(out[0].1.to_f64_vec(), vec![0.0, 3.0, 1.0, 4.0, 2.0, 5.0]);
}

#[test]
fn memo_bomb_is_refused() {
    // Each step packs the memoised value twice into a new tuple and memoises
    // that: 2^90 values if shared references were copied.
    let mut p = Pickle::new().op(b"}").str("x").op(b"]q\x00");
    for _ in 0..90 {
        p = p.op(b"h\x00h\x00\x86q\x00");
    }
    let pickle = p.op(b"s").stop();
    assert!(pickle.len() < 700, "{}", pickle.len());
    refused(
        &pt(&pickle, &[]),
        "bomb.pt",
        Format::Pt,
        &["bomb.pt", "memo bomb"],
    );
}

#[test]
fn self_appending_list_is_refused() {
    let mut p = Pickle::new().op(b"]q\x00");
    for _ in 0..200 {
        p = p.op(b"h\x00a");
    }
    refused(&pt(&p.stop(), &[]), "cycle.pt", Format::Pt, &["pickle"]);
}

#[test]
fn two_megabytes_of_nested_tuples_are_refused() {
    let n = 700_000;
    let mut marks = vec![0x80, 2];
    marks.extend(vec![b'('; n]);
    marks.push(b')');
    marks.extend(vec![b't'; n]);
    marks.push(b'.');
    assert!(marks.len() > 1_400_000);
    refused(&pt(&marks, &[]), "deep.pt", Format::Pt, &["nested deeper"]);

    let mut tuple1 = vec![0x80, 2, b')'];
    tuple1.extend(vec![0x85; 2_000_000]);
    tuple1.push(b'.');
    refused(&pt(&tuple1, &[]), "deep.pt", Format::Pt, &["nested deeper"]);
}

#[test]
fn huge_expand_view_is_refused() {
    let bytes = one_tensor(10, 0, &[100_000_000_000, 10], &[0, 1]);
    refused(&bytes, "expand.pt", Format::Pt, &["key 'x'", "would take"]);
}

#[test]
fn views_outside_the_storage_are_refused() {
    let stride = one_tensor(10, 0, &[2, 10], &[10, 1]);
    refused(
        &stride,
        "oob.pt",
        Format::Pt,
        &["key 'x'", "reaches past the storage"],
    );
    let offset = one_tensor(10, 5, &[10], &[1]);
    refused(
        &offset,
        "oob.pt",
        Format::Pt,
        &["key 'x'", "reaches past the storage"],
    );
    let overflow = one_tensor(10, 0, &[2, 2], &[i64::MAX, 1]);
    refused(&overflow, "oob.pt", Format::Pt, &["key 'x'"]);
}

#[test]
fn storage_larger_than_its_entry_is_refused() {
    let pickle = Pickle::new()
        .op(b"}")
        .str("x")
        .tensor("0", 1_000_000_000, 0, &[10], &[1])
        .op(b"s")
        .stop();
    let bytes = pt(&pickle, &[("0", &[0u8; 40])]);
    refused(
        &bytes,
        "short.pt",
        Format::Pt,
        &["key 'x'", "declares 1000000000 elements"],
    );
}

#[test]
fn unknown_globals_are_refused() {
    let global = Pickle::new()
        .global("os", "system")
        .str("ls")
        .op(b"\x85R")
        .stop();
    refused(
        &pt(&global, &[]),
        "evil.pt",
        Format::Pt,
        &["refused global os.system"],
    );
    let stack_global = Pickle::new().str("builtins").str("eval").op(&[0x93]).stop();
    refused(
        &pt(&stack_global, &[]),
        "evil.pt",
        Format::Pt,
        &["builtins.eval"],
    );
}

#[test]
fn unknown_opcodes_are_refused() {
    let inst = Pickle::new().op(b"ios\nsystem\n").stop();
    refused(
        &pt(&inst, &[]),
        "inst.pt",
        Format::Pt,
        &["refused pickle opcode 0x69"],
    );
}

#[test]
fn truncated_pickles_are_refused() {
    let whole = Pickle::new()
        .op(b"}")
        .str("x")
        .tensor("0", 10, 0, &[10], &[1])
        .op(b"s")
        .stop();
    for cut in [3, whole.len() / 2, whole.len() - 1] {
        refused(
            &pt(&whole[..cut], &[]),
            "cut.pt",
            Format::Pt,
            &["cut.pt", "truncated"],
        );
    }
    let long_string = Pickle::new().op(b"X\xff\xff\xff\xff").stop();
    refused(
        &pt(&long_string, &[]),
        "cut.pt",
        Format::Pt,
        &["declares 4294967295 bytes"],
    );
    let long8 = Pickle::new().op(&[0x8d]).op(&u64::MAX.to_le_bytes()).stop();
    refused(
        &pt(&long8, &[]),
        "cut.pt",
        Format::Pt,
        &["remain in the pickle"],
    );
}

/// An `.npy` payload with a literal header.
fn npy(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = b"\x93NUMPY\x01\x00".to_vec();
    out.extend_from_slice(&u16::try_from(header.len()).unwrap().to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

/// An `.npz` of one entry `x.npy`.
fn npz(payload: &[u8], method: CompressionMethod) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(method);
    zip.start_file("x.npy", options).unwrap();
    zip.write_all(payload).unwrap();
    zip.finish().unwrap().into_inner()
}

/// Rewrite the uncompressed size of the archive's first entry in both its local
/// header and the central directory.
fn forge_size(zip: &mut [u8], size: u32) {
    for (sig, at) in [(b"PK\x03\x04", 22), (b"PK\x01\x02", 24)] {
        let pos = zip.windows(4).position(|w| w == sig).unwrap();
        zip[pos + at..pos + at + 4].copy_from_slice(&size.to_le_bytes());
    }
}

fn zeros_npy(n: usize) -> Vec<u8> {
    npy(
        &format!("{{'descr': '|u1', 'fortran_order': False, 'shape': ({n},), }}"),
        &vec![0; n],
    )
}

/// A deflated `.npz` whose one entry is `n` zero bytes as a `u1` array,
/// written in chunks so the test itself stays small in memory.
fn zeros_npz(n: usize) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);
    zip.start_file("x.npy", options).unwrap();
    zip.write_all(&npy(
        &format!("{{'descr': '|u1', 'fortran_order': False, 'shape': ({n},), }}"),
        &[],
    ))
    .unwrap();
    let chunk = vec![0u8; 1 << 20];
    for _ in 0..n / chunk.len() {
        zip.write_all(&chunk).unwrap();
    }
    zip.finish().unwrap().into_inner()
}

#[test]
fn deflated_zip_bomb_is_refused_before_inflating() {
    let bytes = zeros_npz(128 << 20);
    assert!(bytes.len() < 1 << 20, "{}", bytes.len());
    refused(
        &bytes,
        "bomb.npz",
        Format::Npz,
        &["bomb.npz", "'x.npy'", "zip bomb"],
    );
}

#[test]
fn entry_declaring_one_and_a_half_gigabytes_is_refused() {
    let mut bytes = npz(&zeros_npy(1 << 20), CompressionMethod::Deflated);
    forge_size(&mut bytes, 1_500_000_000);
    refused(&bytes, "big.npz", Format::Npz, &["'x.npy'", "1500000000"]);
}

#[test]
fn entry_inflating_past_its_declared_size_is_refused() {
    let mut bytes = npz(&zeros_npy(8 << 20), CompressionMethod::Deflated);
    forge_size(&mut bytes, 1000);
    refused(&bytes, "liar.npz", Format::Npz, &["'x.npy'"]);
}

#[test]
fn npy_shapes_beyond_the_payload_are_refused() {
    let header = "{'descr': '<f4', 'fortran_order': False, 'shape': (1000000000, 1000), }";
    let payload = npy(header, &[0; 16]);
    refused(
        &npz(&payload, CompressionMethod::Stored),
        "a.npz",
        Format::Npz,
        &["key 'x'", "truncated"],
    );
    refused(&payload, "x.npy", Format::NpyDir, &["key 'x'", "truncated"]);
    let overflow = "{'descr': '<f4', 'fortran_order': True, 'shape': (4294967296, 4294967296), }";
    refused(
        &npy(overflow, &[0; 16]),
        "x.npy",
        Format::NpyDir,
        &["too large"],
    );
    let mut long_header = b"\x93NUMPY\x02\x00".to_vec();
    long_header.extend_from_slice(&u32::MAX.to_le_bytes());
    refused(&long_header, "x.npy", Format::NpyDir, &["header declares"]);
}

/// A `.safetensors` buffer with a literal JSON header.
fn safetensors(header: &str, data: &[u8]) -> Vec<u8> {
    let mut out = (header.len() as u64).to_le_bytes().to_vec();
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(data);
    out
}

#[test]
fn safetensors_lies_are_refused() {
    let mut huge = u64::MAX.to_le_bytes().to_vec();
    huge.extend_from_slice(b"{}");
    refused(
        &huge,
        "h.safetensors",
        Format::Safetensors,
        &["header declares"],
    );
    let big_shape = r#"{"x":{"dtype":"F32","shape":[1000000,1000000],"data_offsets":[0,16]}}"#;
    let bytes = safetensors(big_shape, &[0; 16]);
    refused(
        &bytes,
        "s.safetensors",
        Format::Safetensors,
        &["s.safetensors"],
    );
    let overflow =
        r#"{"x":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,16]}}"#;
    let bytes = safetensors(overflow, &[0; 16]);
    refused(
        &bytes,
        "o.safetensors",
        Format::Safetensors,
        &["o.safetensors"],
    );
    let past_end = r#"{"x":{"dtype":"F32","shape":[1000],"data_offsets":[0,4000]}}"#;
    let bytes = safetensors(past_end, &[0; 16]);
    refused(
        &bytes,
        "e.safetensors",
        Format::Safetensors,
        &["e.safetensors"],
    );
}
