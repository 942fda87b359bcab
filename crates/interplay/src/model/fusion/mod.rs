//! Built-in fusion networks (the InterSHAP paper's FCNNs): early, intermediate and
//! late fusion of M modalities, built on the hand-written [`crate::nn`] layers and
//! stored as safetensors with their configuration in the file's metadata.
//!
//! With D = Σ d_m and C classes:
//! * early: concat → D/2 → ReLU → D/4 → ReLU → C;
//! * intermediate: per modality d_m → d_m/2 (linear); concat → Σ/2 → ReLU → C;
//! * late: per modality d_m → d_m/2 → ReLU → d_m/4 → ReLU; concat → C.

mod io;
mod limits;
mod net;
mod train;

pub use io::{fusion_bytes, load_fusion, save_fusion};
pub use net::{Fusion, FusionNet};
pub use train::{train_fusion, FusionTraining, TrainReport};
