//! EMAP (Hessel & Lee 2020): the additive projection of a model and its performance gap.
