//! The InterSHAP paper's experiments as library functions, so that the command
//! line (`interplay experiment`), the tests and the documented figures in
//! `docs/experiments.md` run the very same code.
//!
//! * [`hdxor`]: HD-XOR with M = 2, 3, 4 modalities, every setting, fusion nets
//!   trained with the paper's settings and the exact XOR function, scored with
//!   global InterSHAP (and PID, EMAP, SHAPE beside it), next to the paper's
//!   numbers ([`paper`]).
//! * [`fusion_order`]: the early / intermediate / late comparison the paper makes
//!   on single-cell data, on a synthetic analogue with a known answer.

pub mod fusion_order;
pub mod hdxor;
pub mod paper;
pub mod xor_function;

pub use hdxor::{run_hdxor, HdXorExperiment};
pub use xor_function::XorFunction;
