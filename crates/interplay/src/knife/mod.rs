//! KNIFE (Pichler, Colombo, Boudiaf, Koliander, Piantanida, ICML 2022): a Gaussian
//! kernel mixture with learnable means, bounded scales, lower-triangular coupling and
//! weights, fitted by maximum likelihood; −log p̂(x) is a per-sample differential
//! entropy estimate (nats).
//!
//! Everything is f64: the model is small (K·d² coupling entries), and f64 lets the
//! density match the reference test vectors to 1e-9.

mod density;
mod fit;

pub use density::{Knife, KnifeWorkspace};
pub use fit::{fit, KnifeConfig, KnifeInit};
