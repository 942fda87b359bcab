//! A format-neutral tensor as the file readers see it: element type, shape and
//! little-endian bytes in C order. Every reader decodes into this and every writer
//! encodes from it, so dtype conversion and checks are written once.

use half::{bf16, f16};

/// Element types the readers understand, named as numpy and torch name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// Booleans, one byte each.
    Bool,
    /// Unsigned 8-bit integers.
    U8,
    /// Signed 8-bit integers.
    I8,
    /// Unsigned 16-bit integers.
    U16,
    /// Signed 16-bit integers.
    I16,
    /// Unsigned 32-bit integers.
    U32,
    /// Signed 32-bit integers.
    I32,
    /// Unsigned 64-bit integers.
    U64,
    /// Signed 64-bit integers.
    I64,
    /// IEEE half precision.
    F16,
    /// Brain floating point (bfloat16).
    BF16,
    /// IEEE single precision.
    F32,
    /// IEEE double precision.
    F64,
}

impl DType {
    /// Bytes per element.
    pub fn size(self) -> usize {
        match self {
            DType::Bool | DType::U8 | DType::I8 => 1,
            DType::U16 | DType::I16 | DType::F16 | DType::BF16 => 2,
            DType::U32 | DType::I32 | DType::F32 => 4,
            DType::U64 | DType::I64 | DType::F64 => 8,
        }
    }

    /// The name numpy and torch users know (`float32`, `int64`, ...), shown by `inspect`.
    pub fn name(self) -> &'static str {
        match self {
            DType::Bool => "bool",
            DType::U8 => "uint8",
            DType::I8 => "int8",
            DType::U16 => "uint16",
            DType::I16 => "int16",
            DType::U32 => "uint32",
            DType::I32 => "int32",
            DType::U64 => "uint64",
            DType::I64 => "int64",
            DType::F16 => "float16",
            DType::BF16 => "bfloat16",
            DType::F32 => "float32",
            DType::F64 => "float64",
        }
    }

    /// Whether values are floating point (labels stored this way must be checked
    /// for fractions).
    pub fn is_float(self) -> bool {
        matches!(self, DType::F16 | DType::BF16 | DType::F32 | DType::F64)
    }
}

impl std::fmt::Display for DType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A decoded array: dtype, shape and its elements as little-endian bytes in C
/// (row-major) order.
#[derive(Debug, Clone, PartialEq)]
pub struct RawTensor {
    /// Element type as stored in the file.
    pub dtype: DType,
    /// Shape as stored in the file (before any flattening).
    pub shape: Vec<usize>,
    bytes: Vec<u8>,
}

impl RawTensor {
    /// A tensor from little-endian C-order bytes; fails when the byte count does not
    /// match the shape, so a truncated payload is reported rather than misread.
    pub fn new(dtype: DType, shape: Vec<usize>, bytes: Vec<u8>) -> Result<Self, String> {
        let numel = checked_numel(&shape)?;
        let expected = numel
            .checked_mul(dtype.size())
            .ok_or_else(|| format!("shape {shape:?} is too large"))?;
        if bytes.len() != expected {
            return Err(format!(
                "{} bytes of data for shape {shape:?} of {dtype} (expected {expected}); the file is truncated or corrupt",
                bytes.len()
            ));
        }
        Ok(RawTensor {
            dtype,
            shape,
            bytes,
        })
    }

    /// A float32 tensor from values, for the writers.
    pub(crate) fn from_f32(shape: Vec<usize>, values: &[f32]) -> Self {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        RawTensor {
            dtype: DType::F32,
            shape,
            bytes,
        }
    }

    /// A float64 tensor from values (text formats parse to f64).
    pub(crate) fn from_f64(shape: Vec<usize>, values: &[f64]) -> Self {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        RawTensor {
            dtype: DType::F64,
            shape,
            bytes,
        }
    }

    /// An int64 tensor from values, for the writers (labels are int64 so that
    /// torch's cross-entropy accepts them as they are).
    pub(crate) fn from_i64(shape: Vec<usize>, values: &[i64]) -> Self {
        let bytes = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        RawTensor {
            dtype: DType::I64,
            shape,
            bytes,
        }
    }

    /// The elements as little-endian bytes in C order.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of elements.
    pub fn numel(&self) -> usize {
        self.shape.iter().product()
    }

    /// Every element converted to f32 (integers and wider floats rounded to the
    /// nearest f32), the precision the data model keeps.
    pub fn to_f32_vec(&self) -> Vec<f32> {
        let b = &self.bytes;
        match self.dtype {
            DType::F32 => chunks::<4>(b).map(f32::from_le_bytes).collect(),
            DType::F64 => chunks::<8>(b)
                .map(|c| f64::from_le_bytes(c) as f32)
                .collect(),
            DType::F16 => chunks::<2>(b)
                .map(|c| f16::from_le_bytes(c).to_f32())
                .collect(),
            DType::BF16 => chunks::<2>(b)
                .map(|c| bf16::from_le_bytes(c).to_f32())
                .collect(),
            _ => self.to_f64_vec().into_iter().map(|v| v as f32).collect(),
        }
    }

    /// Every element converted to f64, exact for all types but 64-bit integers
    /// beyond 2^53 (far outside any label range).
    pub fn to_f64_vec(&self) -> Vec<f64> {
        let b = &self.bytes;
        match self.dtype {
            DType::Bool | DType::U8 => b.iter().map(|&v| f64::from(v)).collect(),
            DType::I8 => b.iter().map(|&v| f64::from(v as i8)).collect(),
            DType::U16 => chunks::<2>(b)
                .map(|c| f64::from(u16::from_le_bytes(c)))
                .collect(),
            DType::I16 => chunks::<2>(b)
                .map(|c| f64::from(i16::from_le_bytes(c)))
                .collect(),
            DType::U32 => chunks::<4>(b)
                .map(|c| f64::from(u32::from_le_bytes(c)))
                .collect(),
            DType::I32 => chunks::<4>(b)
                .map(|c| f64::from(i32::from_le_bytes(c)))
                .collect(),
            DType::U64 => chunks::<8>(b)
                .map(|c| u64::from_le_bytes(c) as f64)
                .collect(),
            DType::I64 => chunks::<8>(b)
                .map(|c| i64::from_le_bytes(c) as f64)
                .collect(),
            DType::F16 => chunks::<2>(b)
                .map(|c| f64::from(f16::from_le_bytes(c).to_f32()))
                .collect(),
            DType::BF16 => chunks::<2>(b)
                .map(|c| f64::from(bf16::from_le_bytes(c).to_f32()))
                .collect(),
            DType::F32 => chunks::<4>(b)
                .map(|c| f64::from(f32::from_le_bytes(c)))
                .collect(),
            DType::F64 => chunks::<8>(b).map(f64::from_le_bytes).collect(),
        }
    }
}

/// Fixed-size little-endian chunks of a byte slice.
fn chunks<const N: usize>(bytes: &[u8]) -> impl Iterator<Item = [u8; N]> + '_ {
    bytes.chunks_exact(N).map(|c| {
        let mut a = [0u8; N];
        a.copy_from_slice(c);
        a
    })
}

/// The number of elements of a shape, or an error when it overflows (a corrupt
/// header would otherwise make us allocate without bound).
pub fn checked_numel(shape: &[usize]) -> Result<usize, String> {
    shape
        .iter()
        .try_fold(1usize, |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| format!("shape {shape:?} is too large"))
}

/// Copy the elements of a strided view of `storage` into C order.
///
/// PyTorch saves views (transposes, slices) as their whole storage plus strides,
/// and numpy saves Fortran-ordered arrays column-major; both are read through
/// this. `offset` and `strides` count elements, not bytes.
pub fn gather_strided(
    storage: &[u8],
    elem_size: usize,
    shape: &[usize],
    strides: &[usize],
    offset: usize,
) -> Result<Vec<u8>, String> {
    let numel = checked_numel(shape)?;
    if numel == 0 {
        return Ok(Vec::new());
    }
    let out_len = numel
        .checked_mul(elem_size)
        .ok_or_else(|| format!("shape {shape:?} is too large"))?;
    if strides.len() != shape.len() {
        return Err(format!(
            "shape {shape:?} and strides {strides:?} differ in rank"
        ));
    }
    // The furthest element the view touches must lie inside the storage.
    let last = shape
        .iter()
        .zip(strides)
        .try_fold(offset, |acc, (&d, &s)| {
            (d - 1).checked_mul(s).and_then(|x| acc.checked_add(x))
        })
        .ok_or_else(|| format!("strides {strides:?} overflow"))?;
    let storage_len = storage.len() / elem_size;
    if last >= storage_len {
        return Err(format!(
            "a view of shape {shape:?} with strides {strides:?} at offset {offset} reaches past the storage of {storage_len} elements; the file is truncated or corrupt"
        ));
    }
    let contiguous = {
        let mut expect = 1usize;
        let mut ok = true;
        for (&d, &s) in shape.iter().zip(strides).rev() {
            if d > 1 && s != expect {
                ok = false;
                break;
            }
            expect *= d;
        }
        ok
    };
    if contiguous {
        let start = offset * elem_size;
        return Ok(storage[start..start + out_len].to_vec());
    }
    let mut out = Vec::with_capacity(out_len);
    let mut index = vec![0usize; shape.len()];
    for _ in 0..numel {
        let pos: usize = offset
            + index
                .iter()
                .zip(strides)
                .map(|(&i, &s)| i * s)
                .sum::<usize>();
        out.extend_from_slice(&storage[pos * elem_size..(pos + 1) * elem_size]);
        for axis in (0..shape.len()).rev() {
            index[axis] += 1;
            if index[axis] < shape[axis] {
                break;
            }
            index[axis] = 0;
        }
    }
    Ok(out)
}

/// Reverse the byte order of every element in place (big-endian files).
pub fn swap_bytes(bytes: &mut [u8], elem_size: usize) {
    if elem_size > 1 {
        for c in bytes.chunks_exact_mut(elem_size) {
            c.reverse();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_transposed_view() {
        // storage [[0,1,2],[3,4,5]] read as its 3x2 transpose
        let storage: Vec<u8> = (0u8..6).collect();
        let out = gather_strided(&storage, 1, &[3, 2], &[1, 3], 0).unwrap();
        assert_eq!(out, vec![0, 3, 1, 4, 2, 5]);
    }

    #[test]
    fn gather_rejects_out_of_storage_view() {
        let storage = vec![0u8; 4];
        assert!(gather_strided(&storage, 1, &[2, 3], &[3, 1], 0).is_err());
    }

    #[test]
    fn conversions_cover_half_types() {
        let t = RawTensor::new(
            DType::BF16,
            vec![2],
            [bf16::from_f32(1.5), bf16::from_f32(-2.0)]
                .iter()
                .flat_map(|v| v.to_le_bytes())
                .collect(),
        )
        .unwrap();
        assert_eq!(t.to_f32_vec(), vec![1.5, -2.0]);
    }
}
