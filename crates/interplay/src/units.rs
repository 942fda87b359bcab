//! Units of information. Everything is computed in nats; conversion happens only
//! at the boundary, so every reported number can say which unit it is in.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The unit an information quantity is reported in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Units {
    /// Natural logarithm (the unit all estimators compute in).
    #[default]
    Nats,
    /// Base-2 logarithm: 1 bit = ln 2 nats.
    Bits,
}

impl Units {
    /// Convert a value given in nats into this unit.
    pub fn from_nats(self, nats: f64) -> f64 {
        match self {
            Units::Nats => nats,
            Units::Bits => nats / std::f64::consts::LN_2,
        }
    }

    /// Convert a value given in this unit into nats.
    pub fn to_nats(self, value: f64) -> f64 {
        match self {
            Units::Nats => value,
            Units::Bits => value * std::f64::consts::LN_2,
        }
    }

    /// The unit's name as written in reports ("nats" or "bits").
    pub fn name(self) -> &'static str {
        match self {
            Units::Nats => "nats",
            Units::Bits => "bits",
        }
    }
}

impl fmt::Display for Units {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Units {
    type Err = crate::Error;
    fn from_str(s: &str) -> crate::Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "nats" | "nat" => Ok(Units::Nats),
            "bits" | "bit" => Ok(Units::Bits),
            other => Err(crate::Error::invalid(format!(
                "unknown unit '{other}': expected 'nats' or 'bits'"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_bit_is_ln2_nats() {
        assert!((Units::Bits.to_nats(1.0) - std::f64::consts::LN_2).abs() < 1e-15);
        assert!((Units::Bits.from_nats(std::f64::consts::LN_2) - 1.0).abs() < 1e-15);
        assert_eq!(Units::Nats.from_nats(0.25), 0.25);
        assert_eq!("bits".parse::<Units>().unwrap(), Units::Bits);
        assert!("furlongs".parse::<Units>().is_err());
    }
}
