//! InterSHAP (Wenderoth et al., AAAI 2025): the share of model behaviour from cross-modal interactions.
