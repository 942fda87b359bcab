//! A cursor over the pickle bytes whose reads check every declared length
//! against the bytes that remain, so nothing is allocated for data that is not
//! there.

/// The unread part of a pickle.
pub struct Input<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Input<'a> {
    /// A cursor at the start of `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        Input { bytes, pos: 0 }
    }

    /// Bytes left to read.
    pub fn remaining(&self) -> usize {
        self.bytes.len() - self.pos
    }

    /// The next `n` bytes, or an error when fewer remain.
    pub fn take(&mut self, n: usize) -> Result<&'a [u8], String> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| {
                format!(
                    "the pickle is truncated (needs {n} more bytes at offset {}, {} remain)",
                    self.pos,
                    self.remaining()
                )
            })?;
        let out = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(out)
    }

    /// A declared length read as `u64`, checked against the remaining input.
    pub fn take_declared(&mut self, n: u64) -> Result<&'a [u8], String> {
        let n = usize::try_from(n)
            .ok()
            .filter(|&n| n <= self.remaining())
            .ok_or_else(|| {
                format!(
                    "a string declares {n} bytes but only {} remain in the pickle",
                    self.remaining()
                )
            })?;
        self.take(n)
    }

    /// Fixed-size read.
    pub fn array<const N: usize>(&mut self) -> Result<[u8; N], String> {
        let mut out = [0u8; N];
        out.copy_from_slice(self.take(N)?);
        Ok(out)
    }

    /// One byte.
    pub fn u8(&mut self) -> Result<u8, String> {
        Ok(self.array::<1>()?[0])
    }

    /// A little-endian u16.
    pub fn u16(&mut self) -> Result<u16, String> {
        Ok(u16::from_le_bytes(self.array()?))
    }

    /// A little-endian u32.
    pub fn u32(&mut self) -> Result<u32, String> {
        Ok(u32::from_le_bytes(self.array()?))
    }

    /// A little-endian u64.
    pub fn u64(&mut self) -> Result<u64, String> {
        Ok(u64::from_le_bytes(self.array()?))
    }

    /// The bytes up to the next newline (not included), at most `max` of them.
    pub fn line(&mut self, max: usize) -> Result<&'a [u8], String> {
        let rest = &self.bytes[self.pos..];
        let len = rest
            .iter()
            .take(max + 1)
            .position(|&b| b == b'\n')
            .ok_or_else(|| {
                if rest.len() <= max {
                    "the pickle is truncated inside a GLOBAL name".to_string()
                } else {
                    format!("a GLOBAL name is longer than {max} bytes")
                }
            })?;
        let line = self.take(len)?;
        self.take(1)?;
        Ok(line)
    }
}
