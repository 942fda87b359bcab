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
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Display;
    use std::str::FromStr;

    /// Every value survives Display → FromStr, and an unknown name is refused with a
    /// message that names every valid value.
    fn round_trips<T>(values: &[T], names_in_error: &[&str])
    where
        T: FromStr<Err = crate::Error> + Display + PartialEq + std::fmt::Debug,
    {
        for v in values {
            let text = v.to_string();
            assert_eq!(&text.parse::<T>().unwrap(), v, "{text}");
        }
        let err = "bogus".parse::<T>().unwrap_err();
        assert!(err.is_user_input());
        let message = err.to_string();
        assert!(message.contains("bogus"), "{message}");
        for name in names_in_error {
            assert!(message.contains(name), "'{name}' missing in: {message}");
        }
    }

    #[test]
    fn every_option_enum_round_trips_and_names_its_values() {
        use crate::intershap::{BackgroundRows, OutputTarget, Space};
        use crate::knife::KnifeInit;
        use crate::lsmi::Prior;
        use crate::model::fusion::Fusion;
        use crate::model::OutputKind;
        use crate::pid::continuous::Normalisation;
        use crate::pid::BrojaSolver;
        use crate::shape::ShapeMetric;
        use crate::synth::HdXorSetting;
        use crate::Units;
        round_trips(
            &[Prior::Empirical, Prior::Uniform],
            &["empirical", "uniform"],
        );
        round_trips(
            &[KnifeInit::Samples, KnifeInit::Random],
            &["samples", "random"],
        );
        round_trips(
            &[BrojaSolver::Newton, BrojaSolver::Clarabel],
            &["newton", "clarabel"],
        );
        round_trips(&[Units::Nats, Units::Bits], &["nats", "bits"]);
        round_trips(
            &[
                Normalisation::L2Rows,
                Normalisation::Standardise,
                Normalisation::None,
            ],
            &["l2", "standardise", "none"],
        );
        round_trips(
            &[ShapeMetric::MacroF1, ShapeMetric::Accuracy],
            &["macro-f1", "accuracy"],
        );
        round_trips(
            &[Fusion::Early, Fusion::Intermediate, Fusion::Late],
            &["early", "intermediate", "late"],
        );
        round_trips(
            &[OutputKind::Logits, OutputKind::Probabilities],
            &["logits", "probabilities"],
        );
        round_trips(
            &[Space::Probability, Space::Logit],
            &["probability", "logit"],
        );
        round_trips(
            &[
                OutputTarget::Best,
                OutputTarget::Class(3),
                OutputTarget::All,
            ],
            &["best", "class:K", "all"],
        );
        round_trips(&[BackgroundRows::Sample(7), BackgroundRows::All], &["all"]);
        round_trips(
            &[
                HdXorSetting::Synergy,
                HdXorSetting::Redundancy,
                HdXorSetting::Uniqueness(2),
                HdXorSetting::Random,
            ],
            &["uniqueness", "redundancy", "synergy", "random"],
        );
    }

    #[test]
    fn the_defaults_are_valid() {
        crate::lsmi::LsmiConfig::default().validate().unwrap();
        crate::intershap::InterShapConfig::default()
            .validate()
            .unwrap();
        crate::knife::KnifeConfig::default().validate().unwrap();
        crate::knife::KnifeConfig::official().validate().unwrap();
        crate::nn::ClassifierTraining::default().validate().unwrap();
        crate::nn::AdamConfig::default().validate().unwrap();
        crate::model::fusion::FusionTraining::default()
            .validate()
            .unwrap();
        crate::emap::EmapOptions::default().validate().unwrap();
        crate::pid::continuous::DiscretiseOptions::default()
            .validate()
            .unwrap();
        crate::pid::continuous::DiscretiseOptions::synthetic()
            .validate()
            .unwrap();
        crate::synth::GaussianConfig::default().validate().unwrap();
        crate::synth::HdXorConfig::default().validate().unwrap();
    }

    /// `validate` refuses a bad setting with a message naming it.
    fn refused<T: Validate>(config: T, name: &str) {
        let err = config.validate().map(|_| ()).unwrap_err();
        assert!(err.is_user_input());
        assert!(err.to_string().contains(name), "'{name}' missing in: {err}");
    }

    #[test]
    fn bad_settings_are_refused_naming_the_setting() {
        use crate::intershap::{Approximation, InterShapConfig};
        use crate::knife::KnifeConfig;
        use crate::lsmi::LsmiConfig;
        use crate::model::fusion::FusionTraining;
        use crate::nn::{AdamConfig, ClassifierTraining, StepLr};
        refused(
            InterShapConfig {
                approximation: Approximation::Permutations(0),
                ..InterShapConfig::default()
            },
            "permutations",
        );
        refused(
            InterShapConfig {
                batch_size: 0,
                ..InterShapConfig::default()
            },
            "batch size",
        );
        refused(
            FusionTraining {
                lr: -1e-3,
                ..FusionTraining::default()
            },
            "lr",
        );
        refused(
            FusionTraining {
                lr_gamma: 0.0,
                ..FusionTraining::default()
            },
            "lr_gamma",
        );
        // Nested settings are checked by the outer config, under their own names.
        let mut lsmi = LsmiConfig::default();
        lsmi.discriminator.epochs = 0;
        refused(lsmi, "epochs_discriminator");
        let mut lsmi = LsmiConfig::default();
        lsmi.knife.adam.lr = f64::NAN;
        refused(lsmi, "knife_lr");
        refused(
            LsmiConfig {
                hidden: 0,
                ..LsmiConfig::default()
            },
            "hidden",
        );
        refused(
            KnifeConfig {
                components: 0,
                ..KnifeConfig::default()
            },
            "components",
        );
        refused(
            ClassifierTraining {
                batch_size: 0,
                ..ClassifierTraining::default()
            },
            "batch_size",
        );
        refused(
            AdamConfig {
                beta1: 1.0,
                ..AdamConfig::default()
            },
            "beta1",
        );
        refused(
            StepLr {
                step_size: 1,
                gamma: 1.5,
            },
            "lr_gamma",
        );
        refused(
            crate::emap::EmapOptions {
                subsample: Some(0),
                ..Default::default()
            },
            "subsample",
        );
        refused(
            crate::pid::continuous::DiscretiseOptions {
                clusters: 0,
                ..Default::default()
            },
            "clusters",
        );
        refused(
            crate::synth::GaussianConfig {
                rho: 1.0,
                ..Default::default()
            },
            "rho",
        );
        refused(
            crate::synth::HdXorConfig {
                n_samples: 1,
                ..Default::default()
            },
            "samples",
        );
    }

    #[test]
    fn checked_settings_read_through_and_come_back_out() {
        let config = crate::lsmi::LsmiConfig {
            hidden: 8,
            ..Default::default()
        };
        let checked = config.validate().unwrap();
        assert_eq!(checked.hidden, 8);
        assert_eq!(checked.as_ref(), &config);
        assert_eq!(
            serde_json::to_string(&checked).unwrap(),
            serde_json::to_string(&config).unwrap()
        );
        assert_eq!(checked.into_inner(), config);
    }

    #[test]
    fn one_of_lists_names_in_prose() {
        assert_eq!(one_of(&["a"]), "a");
        assert_eq!(one_of(&["a", "b"]), "a or b");
        assert_eq!(one_of(&["a", "b", "c"]), "a, b or c");
    }
}
