//! Shapley values and Shapley interaction indices over modality coalitions.
