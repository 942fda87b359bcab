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

/// A configuration that can say whether its settings can work.
///
/// [`Validate::check`] rejects settings that cannot work (with a message naming the
/// setting and its valid range); [`Validate::validate`] runs it once and wraps the
/// settings in [`Checked`], the only form the estimators accept.
pub trait Validate: Sized {
    /// Reject settings that cannot work, naming the setting and its valid range.
    fn check(&self) -> Result<()>;

    /// Check the settings once and hand them back as a [`Checked`] value.
    fn validate(self) -> Result<Checked<Self>> {
        self.check()?;
        Ok(Checked(self))
    }
}

/// Settings that passed [`Validate::check`].
///
/// This is linfa's `ParamGuard` pattern: a config is built freely (struct literal,
/// [`Default`], parsed flags or keywords), checked once by [`Validate::validate`],
/// and the estimators take `&Checked<C>`. The field is private, so a `Checked` value
/// exists only through `validate`: an estimator cannot be handed an unchecked
/// config, and does not check again. Read the settings through [`Deref`]; change
/// them by [`Checked::into_inner`] and validating again.
///
/// [`Deref`]: std::ops::Deref
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Checked<T>(T);

impl<T> Checked<T> {
    /// The settings, to change and validate again.
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Checked<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Checked<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

/// Written as the settings themselves (there is no `Deserialize`: read settings
/// are validated like any others).
impl<T: serde::Serialize> serde::Serialize for Checked<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// The name of every value of an option enum, for "expected one of …" messages.
pub(crate) fn one_of(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// An unknown value of the option `what`: the message names the valid ones.
pub(crate) fn unknown(what: &str, got: &str, names: &[&str]) -> crate::Error {
    crate::Error::invalid(format!(
        "unknown {what} '{got}' (expected {})",
        one_of(names)
    ))
}
