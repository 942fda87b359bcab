//! Command-line flags for reading a data file, shared by every command that reads
//! one (`--format`, the CSV column spec), so they are spelt and documented once.

use interplay::data::{CsvSpec, Format, ModalitySpec, ReadOptions};
use std::path::PathBuf;

/// How to read a data file: its format and, for CSV, which columns are what.
#[derive(Debug, Clone, clap::Args)]
pub struct ReadArgs {
    /// Format of the data file: pt, npz, npy (a directory of KEY.npy files),
    /// safetensors or csv. Default: from the extension.
    #[arg(long, value_name = "FORMAT")]
    pub format: Option<Format>,

    /// CSV only: the columns of one modality, as K=FIRST:LAST (header names,
    /// inclusive; several ranges separated by commas). Give it once per modality,
    /// e.g. --modality 1=f0:f9 --modality 2=f10:f19.
    #[arg(long = "modality", value_name = "K=FIRST:LAST")]
    pub modalities: Vec<ModalitySpec>,

    /// CSV only: the column holding the class labels (integers 0..C-1).
    #[arg(long, value_name = "COLUMN")]
    pub label: Option<String>,

    /// CSV only: a column naming each row's split (train, val, test, ...).
    /// Without it every row goes to the split named by --split-name.
    #[arg(long, value_name = "COLUMN")]
    pub split_column: Option<String>,

    /// CSV only: the split name used when there is no --split-column.
    #[arg(long, value_name = "NAME", default_value = "train")]
    pub split_name: String,
}

impl ReadArgs {
    /// The library's read options for these flags; `n_classes` bounds the labels
    /// when given.
    pub fn options(&self, n_classes: Option<usize>) -> ReadOptions {
        ReadOptions {
            format: self.format,
            csv: CsvSpec {
                modalities: self.modalities.clone(),
                label: self.label.clone(),
                split_column: self.split_column.clone(),
                default_split: Some(self.split_name.clone()),
            },
            n_classes,
        }
    }
}

/// `--data FILE` plus the read flags, for commands that take a dataset as an option.
#[derive(Debug, Clone, clap::Args)]
pub struct DataArgs {
    /// The data file (.pt, .npz, .safetensors, .csv, or a directory of .npy files).
    #[arg(long, value_name = "FILE")]
    pub data: PathBuf,

    #[command(flatten)]
    pub read: ReadArgs,
}

// Used by the estimator commands (lsmi, pid, ...) that take `--data`.
#[allow(dead_code)]
impl DataArgs {
    /// Read and check the dataset.
    pub fn load(&self, n_classes: Option<usize>) -> anyhow::Result<interplay::data::Dataset> {
        Ok(interplay::data::read(
            &self.data,
            &self.read.options(n_classes),
        )?)
    }
}
