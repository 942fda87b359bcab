//! `interplay demo`: the main job on built-in data.

/// Arguments of `interplay demo`.
#[derive(Debug, clap::Args)]
pub struct Args {}

/// Run `interplay demo`.
pub fn run(_args: Args, _ctx: crate::Context) -> anyhow::Result<()> {
    anyhow::bail!("demo: under construction")
}
