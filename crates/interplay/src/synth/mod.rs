//! Synthetic data with known answers: Gaussian mixtures, HD-XOR, canonical PID distributions.
