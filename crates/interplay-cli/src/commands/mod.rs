//! One module per subcommand, each with an `Args` (clap) and a `run`.

pub mod compare;
pub mod convert;
pub mod data_args;
pub mod demo;
pub mod emap;
pub mod experiment;
pub mod generate;
pub mod inspect;
pub mod intershap;
pub mod lsmi;
pub mod merge;
pub mod model_input;
pub mod pid;
pub mod rasterize;
pub mod report;
pub mod report_from;
pub mod shape;
pub mod split_choice;
pub mod train;
pub mod uncertainty_args;

/// A command-line usage problem found after parsing (conflicting or missing
/// options); reported like any error, with exit status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// `--classes C`: a class count from 2 to [`interplay::params::MAX_CLASSES`], so a
/// typo cannot size a per-class table.
pub fn class_count_parser() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new()
        .range(2..=interplay::params::MAX_CLASSES as u64)
}
