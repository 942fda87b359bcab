//! Partial information decomposition (BROJA) on discrete and discretised data.
