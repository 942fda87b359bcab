//! The `.npy` array encoding (numpy format versions 1–3): decode any numeric
//! array numpy writes (either byte order, C or Fortran order) and encode
//! little-endian C-order arrays that `np.load` opens.

use super::limits::NPY_MAX_HEADER;
use super::tensor::{checked_numel, gather_strided, swap_bytes, DType, RawTensor};

const MAGIC: &[u8] = b"\x93NUMPY";

/// Decode one `.npy` payload. Errors are plain messages; the caller adds the file
/// and key.
pub fn decode(bytes: &[u8]) -> Result<RawTensor, String> {
    let Some(&[m0, m1, m2, m3, m4, m5, major, _, l0, l1]) = bytes.get(..10) else {
        return Err("not a .npy array (bad magic bytes)".into());
    };
    if [m0, m1, m2, m3, m4, m5] != MAGIC {
        return Err("not a .npy array (bad magic bytes)".into());
    }
    let (header_len, start): (usize, usize) = match major {
        1 => (usize::from(u16::from_le_bytes([l0, l1])), 10),
        2 | 3 => {
            let Some(&[l2, l3]) = bytes.get(10..12) else {
                return Err("truncated .npy header".into());
            };
            (u32::from_le_bytes([l0, l1, l2, l3]) as usize, 12)
        }
        v => return Err(format!("unsupported .npy format version {v}")),
    };
    if header_len > NPY_MAX_HEADER {
        return Err(format!(
            "the .npy header declares {header_len} bytes, more than the {NPY_MAX_HEADER} allowed"
        ));
    }
    let end = start
        .checked_add(header_len)
        .filter(|&e| e <= bytes.len())
        .ok_or("truncated .npy header")?;
    let header = std::str::from_utf8(bytes.get(start..end).unwrap_or_default())
        .map_err(|_| "the .npy header is not text")?;
    let descr = dict_value(header, "descr").ok_or("the .npy header has no 'descr'")?;
    let descr = descr.trim_matches(|c| c == '\'' || c == '"');
    let (dtype, big_endian) = parse_descr(descr)?;
    let fortran = dict_value(header, "fortran_order")
        .ok_or("the .npy header has no 'fortran_order'")?
        .starts_with("True");
    let shape = parse_shape(dict_value(header, "shape").ok_or("the .npy header has no 'shape'")?)?;
    let numel = checked_numel(&shape)?;
    let size = numel
        .checked_mul(dtype.size())
        .ok_or("the .npy shape is too large")?;
    let data = bytes.get(end..).unwrap_or_default();
    let Some(data) = data.get(..size) else {
        return Err(format!(
            "{} bytes of data for shape {shape:?} of {dtype} (expected {size}); the file is truncated",
            data.len()
        ));
    };
    let mut data = data.to_vec();
    if big_endian {
        swap_bytes(&mut data, dtype.size());
    }
    if fortran && shape.len() > 1 {
        let mut strides = Vec::with_capacity(shape.len());
        let mut s = 1usize;
        for &d in &shape {
            strides.push(s);
            s = s.saturating_mul(d);
        }
        data = gather_strided(&data, dtype.size(), &shape, &strides, 0)?;
    }
    RawTensor::new(dtype, shape, data)
}

/// Encode a tensor as a version-1.0 `.npy` payload.
pub fn encode(tensor: &RawTensor) -> Result<Vec<u8>, String> {
    let descr = match tensor.dtype {
        DType::Bool => "|b1",
        DType::U8 => "|u1",
        DType::I8 => "|i1",
        DType::U16 => "<u2",
        DType::I16 => "<i2",
        DType::U32 => "<u4",
        DType::I32 => "<i4",
        DType::U64 => "<u8",
        DType::I64 => "<i8",
        DType::F16 => "<f2",
        DType::F32 => "<f4",
        DType::F64 => "<f8",
        DType::BF16 => return Err("numpy has no bfloat16 type".into()),
    };
    let shape = match tensor.shape.as_slice() {
        [d] => format!("({d},)"),
        dims => format!(
            "({})",
            dims.iter()
                .map(usize::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let mut header = format!("{{'descr': '{descr}', 'fortran_order': False, 'shape': {shape}, }}");
    // Pad so that the data starts on a 64-byte boundary, ending in a newline.
    let unpadded = MAGIC.len() + 4 + header.len() + 1;
    header.push_str(&" ".repeat((64 - unpadded % 64) % 64));
    header.push('\n');
    let header_len = u16::try_from(header.len()).map_err(|_| "the .npy header is too long")?;
    let mut out = Vec::with_capacity(MAGIC.len() + 4 + header.len() + tensor.bytes().len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[1, 0]);
    out.extend_from_slice(&header_len.to_le_bytes());
    out.extend_from_slice(header.as_bytes());
    out.extend_from_slice(tensor.bytes());
    Ok(out)
}

/// The raw text of the value of `'name'` in the header's Python dict literal.
fn dict_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    let at = header
        .find(&format!("'{name}'"))
        .or_else(|| header.find(&format!("\"{name}\"")))?;
    let rest = header[at + name.len() + 2..].trim_start();
    let rest = rest.strip_prefix(':')?.trim_start();
    let end = if rest.starts_with('(') {
        rest.find(')')? + 1
    } else if let Some(q) = rest.chars().next().filter(|c| *c == '\'' || *c == '"') {
        rest[1..].find(q)? + 2
    } else {
        rest.find([',', '}']).unwrap_or(rest.len())
    };
    Some(rest[..end].trim())
}

/// Element type and byte order of a numpy type string such as `<f4` or `|u1`.
fn parse_descr(descr: &str) -> Result<(DType, bool), String> {
    let (order, code) = match descr.chars().next() {
        Some(c @ ('<' | '>' | '|' | '=')) => (c, &descr[1..]),
        _ => ('=', descr),
    };
    let dtype = match code {
        "b1" | "?" => DType::Bool,
        "u1" => DType::U8,
        "i1" => DType::I8,
        "u2" => DType::U16,
        "i2" => DType::I16,
        "u4" => DType::U32,
        "i4" => DType::I32,
        "u8" => DType::U64,
        "i8" => DType::I64,
        "f2" => DType::F16,
        "f4" => DType::F32,
        "f8" => DType::F64,
        _ => {
            return Err(format!(
                "unsupported numpy dtype '{descr}' (numbers only: bool, int, uint, float)"
            ))
        }
    };
    Ok((dtype, order == '>' && dtype.size() > 1))
}

/// The dimensions of a shape tuple such as `(1600, 2)` or `(5,)`.
fn parse_shape(text: &str) -> Result<Vec<usize>, String> {
    let inner = text
        .trim()
        .strip_prefix('(')
        .and_then(|t| t.strip_suffix(')'))
        .ok_or_else(|| format!("bad .npy shape '{text}'"))?;
    inner
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.trim_end_matches('L')
                .parse()
                .map_err(|_| format!("bad .npy shape '{text}'"))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_then_decode_is_identity() {
        let t = RawTensor::from_f32(vec![2, 3], &[1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let bytes = encode(&t).unwrap();
        // The data starts on a 64-byte boundary.
        assert_eq!((bytes.len() - 6 * 4) % 64, 0);
        assert_eq!(decode(&bytes).unwrap(), t);
    }

    #[test]
    fn fortran_big_endian_header_is_honoured() {
        // [[1, 2], [3, 4]] stored column-major as big-endian int16.
        let header = "{'descr': '>i2', 'fortran_order': True, 'shape': (2, 2), }";
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&[1, 0]);
        bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
        bytes.extend_from_slice(header.as_bytes());
        for v in [1i16, 3, 2, 4] {
            bytes.extend_from_slice(&v.to_be_bytes());
        }
        let t = decode(&bytes).unwrap();
        assert_eq!(t.shape, vec![2, 2]);
        assert_eq!(t.to_f64_vec(), vec![1.0, 2.0, 3.0, 4.0]);
    }

    #[test]
    fn truncated_data_is_an_error() {
        let t = RawTensor::from_i64(vec![4], &[0, 1, 2, 3]);
        let bytes = encode(&t).unwrap();
        assert!(decode(&bytes[..bytes.len() - 3])
            .unwrap_err()
            .contains("truncated"));
    }
}
