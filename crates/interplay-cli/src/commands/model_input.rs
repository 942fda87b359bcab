//! The inputs shared by the model-scoring commands (`emap`, `shape`): a dataset,
//! the split to score on, and a model file.

use std::path::{Path, PathBuf};

use interplay::data::Dataset;
use interplay::model::Model;

use super::data_args::DataArgs;
use super::split_choice::pick_split;

/// `--data` (with its read flags), `--split` and `--model`.
#[derive(Debug, Clone, clap::Args)]
pub struct ModelInput {
    #[command(flatten)]
    pub data: DataArgs,
    /// Split to evaluate on (default: "test" if present, else the first split).
    #[arg(long, value_name = "NAME")]
    pub split: Option<String>,
    /// The model: a built-in fusion network (.safetensors) or an ONNX file.
    #[arg(long, value_name = "MODEL")]
    pub model: PathBuf,
}

impl ModelInput {
    /// Read the data, pick the split and open the model for its widths.
    pub fn load(&self) -> anyhow::Result<(Dataset, String, Box<dyn Model>)> {
        let dataset = self.data.load(None)?;
        let name = pick_split(&dataset, self.split.as_deref())?;
        let dims = dataset.split(&name)?.dims();
        let model = load_model(&self.model, &dims)?;
        Ok((dataset, name, model))
    }
}

/// Open a model file (by its extension) for data of the given modality widths.
pub fn load_model(path: &Path, dims: &[usize]) -> anyhow::Result<Box<dyn Model>> {
    Ok(interplay::model::load(path, dims, &Default::default())?)
}
