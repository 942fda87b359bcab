//! Settings of an InterSHAP run: which rows are explained, how absent modalities are
//! masked, which model output is explained, and how the work is batched.

use crate::params::unknown;
use crate::uncertainty::UncertaintyConfig;
use crate::{Error, Result};

/// Which rows of the background split replace absent modalities.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackgroundRows {
    /// A seeded random sample of this many rows (all rows if the split is smaller).
    Sample(usize),
    /// Every row of the background split.
    All,
    /// Grow a seeded sample until the global score's interval half-width is at
    /// most [`InterShapConfig::ci_target`], or every row is used.
    Auto,
}

impl std::str::FromStr for BackgroundRows {
    type Err = Error;
    /// `all`, `auto`, or a number of rows (at least 1).
    fn from_str(text: &str) -> Result<Self> {
        match text {
            "all" => return Ok(BackgroundRows::All),
            "auto" => return Ok(BackgroundRows::Auto),
            _ => {}
        }
        match text.parse::<usize>() {
            Ok(0) | Err(_) => Err(Error::invalid(format!(
                "background must be a number of rows (at least 1), `all` or `auto`, got '{text}'"
            ))),
            Ok(n) => Ok(BackgroundRows::Sample(n)),
        }
    }
}

impl BackgroundRows {
    /// The number of rows asked for (`None`: all of them, or chosen by `Auto`).
    pub fn rows(self) -> Option<usize> {
        match self {
            BackgroundRows::Sample(n) => Some(n),
            BackgroundRows::All | BackgroundRows::Auto => None,
        }
    }
}

impl std::fmt::Display for BackgroundRows {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BackgroundRows::Sample(n) => write!(f, "{n}"),
            BackgroundRows::All => f.write_str("all"),
            BackgroundRows::Auto => f.write_str("auto"),
        }
    }
}

/// How v(S) averages over background rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Masking {
    /// The exact mean over every background row (no sampling noise; the default).
    Mean,
    /// The original implementation's scheme: K seeded random background rows
    /// (with replacement) per sample and coalition.
    Draws(usize),
}

/// Which model output is explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputTarget {
    /// The class the model predicts on the full input of each sample.
    Best,
    /// A fixed class, 0-based.
    Class(usize),
    /// Every class separately.
    All,
}

impl std::str::FromStr for OutputTarget {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        OutputTarget::parse(text)
    }
}

impl std::fmt::Display for OutputTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutputTarget::Best => f.write_str("best"),
            OutputTarget::Class(k) => write!(f, "class:{k}"),
            OutputTarget::All => f.write_str("all"),
        }
    }
}

impl OutputTarget {
    /// Parse `best`, `class:K` or `all`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "best" => Ok(OutputTarget::Best),
            "all" => Ok(OutputTarget::All),
            _ => text
                .strip_prefix("class:")
                .and_then(|k| k.parse().ok())
                .map(OutputTarget::Class)
                .ok_or_else(|| unknown("output", text, &["best", "class:K", "all"])),
        }
    }
}

/// The scale on which model outputs are averaged and explained.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Space {
    /// Class probabilities (softmax of logits), as in the paper.
    Probability,
    /// Logits; for a model that returns probabilities, their natural log.
    Logit,
}

impl std::str::FromStr for Space {
    type Err = Error;
    fn from_str(text: &str) -> Result<Self> {
        Space::parse(text)
    }
}

impl std::fmt::Display for Space {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl Space {
    /// Parse `probability` or `logit`.
    pub fn parse(text: &str) -> Result<Self> {
        match text {
            "probability" | "prob" => Ok(Space::Probability),
            "logit" => Ok(Space::Logit),
            _ => Err(unknown("space", text, &["probability", "logit"])),
        }
    }

    /// The name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Space::Probability => "probability",
            Space::Logit => "logit",
        }
    }
}

/// How the Shapley quantities are obtained from coalition values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Approximation {
    /// Exact enumeration when M ≤ 12, permutation sampling with the given number of
    /// permutations beyond.
    Auto {
        /// Permutations used when M > 12.
        permutations: usize,
    },
    /// Always exact enumeration.
    Exact,
    /// Always permutation sampling.
    Permutations(usize),
}

/// Everything an InterSHAP run needs besides the model and the data.
#[derive(Debug, Clone, PartialEq)]
pub struct InterShapConfig {
    /// Explain this many seeded randomly chosen input rows (`None`: all of them).
    pub samples: Option<usize>,
    /// Background rows for masking (default: a sample of 100).
    pub background: BackgroundRows,
    /// Exact mean or random draws.
    pub masking: Masking,
    /// Output explained (default: the predicted class).
    pub output: OutputTarget,
    /// Probability (default) or logit space.
    pub space: Space,
    /// Exact or sampled Shapley quantities.
    pub approximation: Approximation,
    /// Seed of every random choice (samples, background, draws, permutations).
    pub seed: u64,
    /// Model rows per forward call.
    pub batch_size: usize,
    /// Confidence level and bootstrap replicates of the score intervals.
    pub uncertainty: UncertaintyConfig,
    /// Half-width (a fraction: 0.01 is one percentage point) the global score's
    /// interval should not exceed: the goal of `BackgroundRows::Auto`, and the
    /// threshold of the warning that a fixed background is too small.
    pub ci_target: f64,
}

impl Default for InterShapConfig {
    fn default() -> Self {
        InterShapConfig {
            samples: None,
            background: BackgroundRows::Sample(100),
            masking: Masking::Mean,
            output: OutputTarget::Best,
            space: Space::Probability,
            approximation: Approximation::Auto { permutations: 200 },
            seed: 0,
            batch_size: 8192,
            uncertainty: UncertaintyConfig::default(),
            ci_target: 0.01,
        }
    }
}

impl crate::params::Validate for InterShapConfig {
    /// Reject settings that cannot work, before any model call.
    fn check(&self) -> Result<()> {
        if self.batch_size == 0 {
            return Err(Error::invalid("batch size must be at least 1"));
        }
        if self.samples == Some(0) {
            return Err(Error::invalid("the number of samples must be at least 1"));
        }
        if self.background == BackgroundRows::Sample(0) {
            return Err(Error::invalid("the background needs at least 1 row"));
        }
        if self.masking == Masking::Draws(0) {
            return Err(Error::invalid("masking draws must be at least 1"));
        }
        match self.approximation {
            Approximation::Permutations(t) | Approximation::Auto { permutations: t } => {
                crate::params::at_least("permutations", t, 1)?
            }
            Approximation::Exact => {}
        }
        self.uncertainty.check()?;
        crate::params::within("ci_target", self.ci_target, 0.0, 1.0, true, false)?;
        if self.background == BackgroundRows::Auto && self.uncertainty.replicates == 0 {
            return Err(Error::invalid(
                "background `auto` sizes the background from the score's interval: it needs bootstrap replicates (not 0)",
            ));
        }
        Ok(())
    }
}
