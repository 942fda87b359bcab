//! Shards of a run and the fingerprints that tell parts of one run from parts of
//! another: what [`crate::intershap::partial`] and [`crate::lsmi::partial`] share.

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::ops::Range;

/// One of `count` shards of a run, 0-based: shard `index` covers the positions
/// `index·N/count .. (index+1)·N/count` of the N rows a run scores, so the shards
/// of any count partition the rows into near-equal contiguous parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shard {
    /// 0-based index, below `count`.
    pub index: usize,
    /// Number of shards (at least 1).
    pub count: usize,
}

impl Shard {
    /// Shard `index` of `count`; refuses an index beyond the count.
    pub fn new(index: usize, count: usize) -> Result<Shard> {
        if count == 0 || index >= count {
            return Err(Error::invalid(format!(
                "shard must be i/n with 0 ≤ i < n, got {index}/{count}"
            )));
        }
        Ok(Shard { index, count })
    }

    /// The positions among `total` rows this shard covers.
    pub fn rows(self, total: usize) -> Range<usize> {
        let cut = |i: usize| ((i as u128 * total as u128) / self.count.max(1) as u128) as usize;
        cut(self.index)..cut(self.index + 1)
    }

    /// The shard's rows among `total`, refused when a shard would get none (more
    /// shards than rows).
    pub fn rows_checked(self, total: usize) -> Result<Range<usize>> {
        if self.count > total {
            return Err(Error::invalid(format!(
                "{} shards for {total} rows: every shard needs at least one row",
                self.count
            )));
        }
        Ok(self.rows(total))
    }
}

impl std::str::FromStr for Shard {
    type Err = Error;
    /// `i/n`, 0-based (`0/4` … `3/4`), as a batch scheduler's array index gives it.
    fn from_str(text: &str) -> Result<Shard> {
        let bad = || Error::invalid(format!("shard must be i/n with 0 ≤ i < n, got '{text}'"));
        let (i, n) = text.split_once('/').ok_or_else(bad)?;
        let i = i.trim().parse().map_err(|_| bad())?;
        let n = n.trim().parse().map_err(|_| bad())?;
        Shard::new(i, n)
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// The partial result of one shard of a run, as a file carries it between
/// processes: what every kind (InterSHAP, LSMI, SHAPE, EMAP) shares — JSON in
/// and out, a `kind` and `version` header checked before the body, and the
/// checks that a set of parts is every shard of one run exactly once.
pub trait ShardResult: Serialize + serde::de::DeserializeOwned {
    /// The `kind` its files declare.
    const KIND: &'static str;
    /// The format version this interplay reads.
    const VERSION: u32;
    /// What it is, in messages ("an LSMI partial").
    const WHAT: &'static str;

    /// The `kind`, `version` and shard the part declares.
    fn header(&self) -> (&str, u32, Shard);

    /// Check every count and shape of the body, before anything is built from it.
    fn check_body(&self) -> Result<()>;

    /// Whether `other` is a part of the same run; the error says what differs.
    fn same_run(&self, other: &Self) -> Result<()>;

    /// Check the header, then the body.
    fn check(&self) -> Result<()> {
        let (kind, version, shard) = self.header();
        if kind != Self::KIND {
            return Err(Error::invalid(format!(
                "kind is '{kind}', not '{}'",
                Self::KIND
            )));
        }
        if version != Self::VERSION {
            return Err(Error::invalid(format!(
                "{} of format version {version} (this interplay reads {})",
                Self::WHAT,
                Self::VERSION
            )));
        }
        Shard::new(shard.index, shard.count)?;
        self.check_body()
    }

    /// Read and check a part from JSON text (`what` names it in errors).
    fn from_json(text: &[u8], what: &str) -> Result<Self> {
        let part: Self = serde_json::from_slice(text)
            .map_err(|e| Error::format(what, format!("not {}: {e}", Self::WHAT)))?;
        part.check()
            .map_err(|e| Error::format(what, e.to_string()))?;
        Ok(part)
    }

    /// The part as JSON text.
    fn to_json(&self) -> Result<String> {
        serde_json::to_string(self).map_err(|e| Error::Numerical(e.to_string()))
    }
}

/// Check that a part of shard `shard` holding `n` rows from `first` holds
/// exactly the shard's rows among `total`.
pub(crate) fn check_rows(shard: Shard, total: usize, first: usize, n: usize) -> Result<()> {
    let expected = shard.rows_checked(total)?;
    if n == 0 || expected != (first..first + n) {
        return Err(Error::invalid(format!(
            "shard {shard} of {total} rows should hold rows {expected:?}, it holds {n} rows from {first}"
        )));
    }
    Ok(())
}

/// The error of two parts that differ in `what`.
pub(crate) fn differs(a: Shard, b: Shard, what: &str) -> Result<()> {
    Err(Error::invalid(format!(
        "shards {a} and {b} differ in {what}: they are not parts of the same run"
    )))
}

/// Check every part and that all are of the first's run, then that they are
/// every shard of one count exactly once; the parts in shard order.
pub(crate) fn checked_parts<P: ShardResult>(parts: &[P]) -> Result<Vec<&P>> {
    let Some(first) = parts.first() else {
        return Err(Error::invalid("nothing to merge: no partial results given"));
    };
    for p in parts {
        p.check()?;
        first.same_run(p)?;
    }
    in_shard_order(parts, |p| p.header().2)
}

/// Check that `parts` (by their shards) are every shard of one count exactly
/// once, and return them in shard order.
pub(crate) fn in_shard_order<T>(parts: &[T], shard: impl Fn(&T) -> Shard) -> Result<Vec<&T>> {
    let Some(first) = parts.first() else {
        return Err(Error::invalid("nothing to merge: no partial results given"));
    };
    let count = shard(first).count;
    let mut order: Vec<&T> = parts.iter().collect();
    order.sort_by_key(|p| shard(p).index);
    for w in order.windows(2) {
        if shard(w[0]).index == shard(w[1]).index {
            return Err(Error::invalid(format!(
                "shard {} is given twice",
                shard(w[0])
            )));
        }
    }
    if order.len() != count || order.iter().any(|p| shard(p).count != count) {
        let have: Vec<usize> = order.iter().map(|p| shard(p).index).collect();
        let missing: Vec<String> = (0..count)
            .filter(|i| !have.contains(i))
            .map(|i| format!("{i}/{count}"))
            .collect();
        return Err(Error::invalid(format!(
            "shards missing: {} (every shard 0/{count} … {}/{count} is needed)",
            missing.join(", "),
            count - 1
        )));
    }
    Ok(order)
}

/// 64-bit FNV-1a: a stable hash (the same on every machine and Rust version,
/// unlike `std`'s), enough to tell different data or models apart.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Fnv {
    pub fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }

    pub fn bytes(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    pub fn usize(&mut self, v: usize) {
        self.bytes(&(v as u64).to_le_bytes());
    }

    pub fn f64s(&mut self, values: &[f64]) {
        values
            .iter()
            .for_each(|v| self.bytes(&v.to_bits().to_le_bytes()));
    }

    pub fn f32s(&mut self, values: &[f32]) {
        values
            .iter()
            .for_each(|v| self.bytes(&v.to_bits().to_le_bytes()));
    }

    pub fn hex(&self) -> String {
        format!("{:016x}", self.0)
    }
}

/// Hash of matrices: each one's shape, then its values bit for bit.
pub(crate) fn hash_matrices<'a>(mats: impl Iterator<Item = ndarray::ArrayView2<'a, f32>>) -> Fnv {
    let mut h = Fnv::new();
    for m in mats {
        h.usize(m.nrows());
        h.usize(m.ncols());
        for v in m.iter() {
            h.bytes(&v.to_bits().to_le_bytes());
        }
    }
    h
}

/// Hash of a whole split: every value of every modality, then the labels.
pub(crate) fn hash_split(split: &crate::data::Split) -> String {
    let mut h = hash_matrices(split.modalities().iter().map(|x| x.view()));
    if let Some(labels) = split.labels() {
        labels.iter().for_each(|&y| h.usize(y));
    }
    h.hex()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_the_rows() {
        for total in [1usize, 7, 10, 101] {
            for count in 1..=total.min(9) {
                let mut next = 0;
                for i in 0..count {
                    let r = Shard::new(i, count).unwrap().rows(total);
                    assert_eq!(r.start, next);
                    assert!(r.end > r.start);
                    next = r.end;
                }
                assert_eq!(next, total);
            }
        }
        assert!(Shard::new(3, 4).unwrap().rows_checked(3).is_err());
    }

    #[test]
    fn shard_text_is_checked() {
        assert_eq!(
            "2/5".parse::<Shard>().unwrap(),
            Shard { index: 2, count: 5 }
        );
        for bad in ["5/5", "1/0", "x/3", "3", "-1/4", ""] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shard_order_refuses_missing_and_repeated_parts() {
        let s = |i, n| Shard::new(i, n).unwrap();
        let parts = [s(2, 3), s(0, 3), s(1, 3)];
        let order = in_shard_order(&parts, |p| *p).unwrap();
        assert_eq!(order.iter().map(|p| p.index).collect::<Vec<_>>(), [0, 1, 2]);
        let e = in_shard_order(&[s(0, 3), s(2, 3)], |p| *p).unwrap_err();
        assert!(e.to_string().contains("1/3"), "{e}");
        let e = in_shard_order(&[s(0, 2), s(0, 2)], |p| *p).unwrap_err();
        assert!(e.to_string().contains("twice"), "{e}");
        assert!(in_shard_order(&[s(0, 2), s(1, 3)], |p| *p).is_err());
        assert!(in_shard_order::<Shard>(&[], |p| *p).is_err());
    }
}
