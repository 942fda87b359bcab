//! Range checks for settings, with messages that name the setting and its valid
//! range, so a bad flag or keyword is rejected before any work starts.
//!
//! Setting names are the Python keywords; the command line spells them with
//! dashes (`epochs_discriminator` ↔ `--epochs-discriminator`).

use crate::{Error, Result};

/// `value ≥ min`.
pub fn at_least(name: &str, value: usize, min: usize) -> Result<()> {
    if value < min {
        return Err(Error::invalid(format!(
            "{name} must be at least {min} (got {value})"
        )));
    }
    Ok(())
}

/// A finite `value > 0`.
pub fn positive(name: &str, value: f64) -> Result<()> {
    if !(value.is_finite() && value > 0.0) {
        return Err(Error::invalid(format!(
            "{name} must be a finite number above 0 (got {value})"
        )));
    }
    Ok(())
}

/// A finite `value ≥ 0`.
pub fn non_negative(name: &str, value: f64) -> Result<()> {
    if !(value.is_finite() && value >= 0.0) {
        return Err(Error::invalid(format!(
            "{name} must be a finite number of 0 or more (got {value})"
        )));
    }
    Ok(())
}

/// `lo < value ≤ hi` when `open_low`, else `lo ≤ value ≤ hi` (`hi_open` makes the
/// top open).
pub fn within(
    name: &str,
    value: f64,
    lo: f64,
    hi: f64,
    open_low: bool,
    open_high: bool,
) -> Result<()> {
    let above = if open_low { value > lo } else { value >= lo };
    let below = if open_high { value < hi } else { value <= hi };
    if !(value.is_finite() && above && below) {
        let l = if open_low { "(" } else { "[" };
        let h = if open_high { ")" } else { "]" };
        return Err(Error::invalid(format!(
            "{name} must lie in {l}{lo}, {hi}{h} (got {value})"
        )));
    }
    Ok(())
}

/// Most values a generated dataset may hold (2²⁸ f32 values, 1 GiB): beyond it a
/// typo in a size flag would exhaust memory instead of failing.
pub const MAX_GENERATED_VALUES: usize = 1 << 28;

/// Most classes a class-count setting may name.
pub const MAX_CLASSES: usize = 1 << 16;

/// Most units in a hidden layer, mixture components and similar model sizes.
pub const MAX_MODEL_WIDTH: usize = 1 << 16;

/// `value ≤ max`.
pub fn at_most(name: &str, value: usize, max: usize) -> Result<()> {
    if value > max {
        return Err(Error::invalid(format!(
            "{name} must be at most {max} (got {value})"
        )));
    }
    Ok(())
}

/// Refuse a generated dataset of `rows` rows of `width` values each beyond
/// [`MAX_GENERATED_VALUES`].
pub fn generated_size(rows: usize, width: usize) -> Result<()> {
    match rows.checked_mul(width.max(1)) {
        Some(v) if v <= MAX_GENERATED_VALUES => Ok(()),
        _ => Err(Error::invalid(format!(
            "{rows} rows of {width} values exceed the {MAX_GENERATED_VALUES} values a generated dataset may hold; ask for fewer rows"
        ))),
    }
}

/// A training divergence caused by the settings: a user error (exit 2) that says
/// which settings to change.
pub fn diverged(what: &str, epoch: usize, value: f64, settings: &str) -> Error {
    Error::invalid(format!(
        "{what} diverged at epoch {epoch} (loss {value}); the settings are too aggressive for these data: lower {settings}"
    ))
}
