//! Picking the split a scoring command works on, and checking it has the two
//! modalities that PID and EMAP need.

use interplay::data::{Dataset, Split};
use ndarray::ArrayView2;

use super::UsageError;

/// The named split, else "test", else the first one.
pub fn pick_split(dataset: &Dataset, requested: Option<&str>) -> anyhow::Result<String> {
    if let Some(name) = requested {
        dataset.split(name)?;
        return Ok(name.to_string());
    }
    let names = dataset.split_names();
    if names.contains(&"test") {
        return Ok("test".into());
    }
    names
        .first()
        .map(|s| s.to_string())
        .ok_or_else(|| UsageError("the dataset has no splits".into()).into())
}

/// The split's two modalities, or a usage error naming how many it has.
pub fn two_modalities<'a>(
    split: &'a Split,
    what: &str,
) -> anyhow::Result<[ArrayView2<'a, f32>; 2]> {
    match split.modalities() {
        [a, b] => Ok([a.view(), b.view()]),
        other => Err(UsageError(format!(
            "{what} needs exactly two modalities, the data has {}",
            other.len()
        ))
        .into()),
    }
}
