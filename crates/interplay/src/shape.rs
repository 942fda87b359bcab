//! SHAPE (Hu et al. 2022): cross-modal cooperation from coalition performances.
