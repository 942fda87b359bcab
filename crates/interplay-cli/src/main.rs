//! `interplay`: measure how the modalities of a multimodal dataset or model interact.
//!
//! Results go to stdout, progress and messages to stderr. Errors are printed as one
//! line; the exit status is 2 for bad input (files, data, arguments) and 1 otherwise.

use clap::{Parser, Subcommand};

#[macro_use]
mod output;
mod commands;
mod progress;

/// Measure how the modalities of a multimodal dataset or model interact:
/// redundancy, uniqueness and synergy (LSMI, PID) and cross-modal interactions a
/// model uses (InterSHAP, EMAP, SHAPE).
#[derive(Debug, Parser)]
#[command(name = "interplay", version, about, long_about = None)]
pub struct Cli {
    /// Print no progress bars or messages on stderr (results still go to stdout).
    #[arg(long, short = 'q', global = true)]
    pub quiet: bool,

    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Generate synthetic data with a known answer.
    Generate(commands::generate::Args),
    /// Describe a data file: splits, modalities, shapes, dtypes, class balance.
    Inspect(commands::inspect::Args),
    /// Rewrite a data file as .npz, .safetensors or .npy files, checking it.
    Convert(commands::convert::Args),
    /// Run the main job on built-in data and print the results.
    Demo(commands::demo::Args),
    /// InterSHAP: the share of a model's behaviour from cross-modal interactions.
    Intershap(commands::intershap::Args),
    /// Merge the partial results of `intershap`, `lsmi`, `shape` or `emap` run with `--shard i/n` into one report.
    Merge(commands::merge::Args),
    /// Train a built-in fusion network (early, intermediate or late).
    Train(commands::train::Args),
    /// Sample-level redundancy, uniqueness and synergy of labelled data (LSMI).
    Lsmi(commands::lsmi::Args),
    /// Partial information decomposition (BROJA): redundancy, uniqueness, synergy.
    Pid(Box<commands::pid::Args>),
    /// EMAP: how much a two-modality model loses when made additive.
    Emap(Box<commands::emap::Args>),
    /// SHAPE: cross-modal cooperation of a model from modality coalitions.
    Shape(Box<commands::shape::Args>),
    /// InterSHAP, PID, EMAP and SHAPE of one model side by side.
    Compare(Box<commands::compare::Args>),
    /// The InterSHAP paper's experiments (HD-XOR with M modalities, fusion types)
    /// beside the paper's figures.
    Experiment(commands::experiment::Args),
    /// Every analysis that applies, as one self-contained HTML page of figures.
    Report(Box<commands::report::Args>),
}

/// Settings every command receives.
#[derive(Debug, Clone, Copy)]
pub struct Context {
    /// Suppress progress and messages on stderr.
    pub quiet: bool,
}

fn main() {
    let cli = Cli::parse();
    let ctx = Context { quiet: cli.quiet };
    let result = match cli.command {
        Command::Generate(args) => commands::generate::run(args, ctx),
        Command::Experiment(args) => commands::experiment::run(args, ctx),
        Command::Inspect(args) => commands::inspect::run(args, ctx),
        Command::Demo(args) => commands::demo::run(args, ctx),
        Command::Pid(args) => commands::pid::run(*args, ctx),
        Command::Emap(args) => commands::emap::run(*args, ctx),
        Command::Shape(args) => commands::shape::run(*args, ctx),
        Command::Compare(args) => commands::compare::run(*args, ctx),
        Command::Report(args) => commands::report::run(*args, ctx),
        Command::Intershap(args) => commands::intershap::run(args, ctx),
        Command::Merge(args) => commands::merge::run(args, ctx),
        Command::Train(args) => commands::train::run(args, ctx),
        Command::Convert(args) => commands::convert::run(args, ctx),
        Command::Lsmi(args) => commands::lsmi::run(args, ctx),
    };
    if let Err(err) = result {
        eprintln!("error: {}", one_line(&err));
        std::process::exit(exit_code(&err));
    }
    if output::stdout_error() {
        eprintln!("error: writing the results to stdout failed");
        std::process::exit(1);
    }
}

/// The error and its causes on a single line.
fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string().replace('\n', " ");
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
    }
    parts.join(": ")
}

/// 2 for the user's input (files, data, arguments), 1 for anything else.
fn exit_code(err: &anyhow::Error) -> i32 {
    let user = err.chain().any(|c| {
        c.downcast_ref::<interplay::Error>()
            .is_some_and(interplay::Error::is_user_input)
            || c.downcast_ref::<commands::UsageError>().is_some()
    });
    if user {
        2
    } else {
        1
    }
}
