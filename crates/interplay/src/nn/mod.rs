//! Small dense networks trained by hand-written forward/backward passes and Adam.
//!
//! Why not a framework: the networks LSMI and InterSHAP train are tiny (tens of
//! thousands of parameters, batches of 32), so a general autodiff framework spends
//! almost all of its time on bookkeeping (PyTorch and candle both take ~575 µs per
//! step for a 20→64→64→2 MLP whose arithmetic is ~1 MFLOP). Here every layer works on
//! preallocated buffers with `matrixmultiply` GEMMs, parameters and gradients are one
//! flat vector each, and [`Adam`] updates that vector in place.
//!
//! Building blocks:
//! * [`Dense`]: one affine layer stored like PyTorch (`weight[out][in]`, then `bias[out]`).
//! * [`Mlp`] and [`MlpWorkspace`]: a stack of layers with an [`Activation`] between
//!   them; `forward` keeps what `backward` needs, and `backward` can return the
//!   gradient with respect to the input so networks can be chained (branches + concat).
//! * [`softmax_cross_entropy`] and [`log_softmax_rows`]: the classification loss.
//! * [`Adam`] and [`StepLr`]: PyTorch-equivalent optimiser and schedule.
//! * [`train_classifier`]: the standard mini-batch loop used by the estimators.

mod activation;
mod dense;
mod gemm;
pub(crate) use gemm::dgemm;
mod loss;
mod mlp;
mod optim;
mod train;

pub use activation::Activation;
pub use dense::Dense;
pub use loss::{log_softmax_rows, softmax_cross_entropy};
pub use mlp::{Mlp, MlpWorkspace};
pub use optim::{Adam, AdamConfig, Scalar, StepLr};
pub use train::{gather_rows, train_classifier, ClassifierTraining, EpochPermutations};
