//! LSMI (Yang, Wang, Hu, ICML 2025): sample-level redundancy, uniqueness and synergy.
