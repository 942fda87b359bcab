//! The reports: one serde type per estimator, the single schema that every surface
//! shows. The command line's `--json` is the serialized report, the Python result's
//! `.summary` is the same document, and `docs/schema/` holds its JSON Schema
//! (generated from these types with `schemars`, checked in tests).
//!
//! Every report starts with the same [`Provenance`]: schema and library versions,
//! the method, the units of its quantities and the seed. Quantities have one name
//! everywhere ([`Atoms`] for LSMI and PID alike).
//!
//! With the `figures` feature (on by default in the command line and the Python
//! wheel), [`figures`] draws the reports as SVG with plotters and [`html`]
//! assembles them into one self-contained page; [`samples`] holds the per-sample
//! values those figures need, from a result or from a per-sample table.

mod experiment;
#[cfg(feature = "figures")]
pub mod figures;
#[cfg(feature = "figures")]
pub mod html;
mod intershap;
mod lsmi;
mod pid;
pub mod samples;
mod scores;
pub mod table;

pub use self::experiment::{
    ExperimentReport, ExperimentRow, ExperimentSettings, PaperReference, RowBaselines,
};
pub use self::intershap::{
    AutoBackgroundReport, AutoRound, InterShapOutput, InterShapReport, InterShapSettings,
    PairShareReport, SamplingErrors,
};
pub use self::lsmi::{Entropies, LsmiPair, LsmiReport, LsmiSettings};
pub use self::pid::{Discretisation, PidReport, PidSource, SolverReport};
pub use self::scores::{
    CompareInterShap, CompareReport, EmapReport, ShapeOutput, ShapePerformance, ShapeReport,
    TrainReport, TrainSettings,
};
pub use crate::lsmi::Atoms;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// Version of the report schema; raised whenever a field changes meaning or name.
pub const SCHEMA_VERSION: u32 = 1;

/// What every report carries first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Provenance {
    /// Version of this schema ([`SCHEMA_VERSION`]).
    pub schema_version: u32,
    /// Version of the interplay library that computed the report.
    pub interplay_version: String,
    /// The estimator: `lsmi`, `intershap`, `pid`, `emap`, `shape`, `compare` or `train`.
    pub method: String,
    /// Unit of the report's quantities: `nats` or `bits` (information),
    /// `probability` or `logit` (model outputs), `fraction` (scores in [0, 1]).
    pub units: String,
    /// Seed of every random choice behind the numbers.
    pub seed: u64,
}

impl Provenance {
    /// The provenance of a report computed now by this library.
    pub fn new(method: &str, units: &str, seed: u64) -> Self {
        Provenance {
            schema_version: SCHEMA_VERSION,
            interplay_version: env!("CARGO_PKG_VERSION").to_string(),
            method: method.to_string(),
            units: units.to_string(),
            seed,
        }
    }
}

/// I(X1;Y), I(X2;Y) and I(X1,X2;Y), in the report's units.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct MutualInformations {
    /// I(X1;Y).
    pub x1_y: f64,
    /// I(X2;Y).
    pub x2_y: f64,
    /// I(X1,X2;Y).
    pub x1x2_y: f64,
}

impl MutualInformations {
    /// From `[I(X1;Y), I(X2;Y), I(X1,X2;Y)]` converted by `f`.
    pub fn from_array(mi: [f64; 3], f: impl Fn(f64) -> f64) -> Self {
        MutualInformations {
            x1_y: f(mi[0]),
            x2_y: f(mi[1]),
            x1x2_y: f(mi[2]),
        }
    }
}

/// The name serde gives a unit enum variant: its one spelling in reports and on
/// every surface.
pub fn serde_name(v: &impl Serialize) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The JSON Schema of every report, by file name (`lsmi.schema.json`, ...), as
/// written under `docs/schema/`.
pub fn schemas() -> Vec<(&'static str, serde_json::Value)> {
    fn of<T: JsonSchema>() -> serde_json::Value {
        serde_json::to_value(schemars::schema_for!(T)).unwrap_or_default()
    }
    vec![
        ("lsmi.schema.json", of::<LsmiReport>()),
        ("intershap.schema.json", of::<InterShapReport>()),
        ("pid.schema.json", of::<PidReport>()),
        ("emap.schema.json", of::<EmapReport>()),
        ("shape.schema.json", of::<ShapeReport>()),
        ("compare.schema.json", of::<CompareReport>()),
        ("train.schema.json", of::<TrainReport>()),
        ("experiment.schema.json", of::<ExperimentReport>()),
    ]
}
