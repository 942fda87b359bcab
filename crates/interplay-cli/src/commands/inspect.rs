//! `interplay inspect`: describe a data file.

/// Arguments of `interplay inspect`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `interplay inspect`.
pub fn run(_args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    anyhow::bail!("inspect: under construction")
}
