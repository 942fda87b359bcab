//! KNIFE (Pichler et al. 2022): kernel mixture densities for differential entropy.
