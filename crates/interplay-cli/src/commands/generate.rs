//! `interplay generate`: synthetic data with known answers.

/// Arguments of `interplay generate`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `interplay generate`.
pub fn run(_args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    anyhow::bail!("generate: under construction")
}
