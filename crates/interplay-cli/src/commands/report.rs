//! `interplay report`: the analyses that apply to a dataset (and a model) as one
//! self-contained HTML page of figures, or the same page drawn from the JSON and
//! per-sample files of earlier runs (`--from`).
//!
//! The page and its figures are the library's (`interplay::report::html`); this
//! command only chooses the analyses, runs them with progress on stderr, and
//! writes the page (and `--figures DIR`) as one transaction.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use interplay::data::Dataset;
use interplay::emap::{emap_with_intervals, EmapOptions};
use interplay::intershap::{explain, BackgroundRows, InterShapConfig};
use interplay::lsmi::{estimate, estimate_cross_fitted, LsmiConfig};
use interplay::model::eval::background_rows;
use interplay::params::Validate;
use interplay::pid::continuous::{pid_of_data, pid_of_model, DiscretiseOptions};
use interplay::pid::{BrojaOptions, NullOptions};
use interplay::report::html::{render, ReportContent};
use interplay::report::samples::{InterShapSamples, LsmiSamples};
use interplay::report::{
    EmapReport, InterShapReport, LsmiReport, PidReport, PidSource, ShapeReport,
};
use interplay::shape::{shape, shape_intervals, shape_output, ShapeMetric};
use interplay::Units;

use super::data_args::ReadArgs;
use super::model_input::load_model;
use super::rasterize;
use super::report_from::read_from;
use super::split_choice::pick_split;
use super::uncertainty_args::UncertaintyArgs;
use super::UsageError;
use crate::output::{warn_all, Outputs};
use crate::progress::Bars;

/// Folds of the cross-fitting when the data have no `val` split for LSMI.
const LSMI_FOLDS: usize = 5;

/// Arguments of `interplay report`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The data file: LSMI runs on its labelled train (and val) rows; with
    /// --model, the model analyses run on --split.
    #[arg(long, value_name = "FILE", required_unless_present = "from")]
    pub data: Option<PathBuf>,
    /// Data reading flags (format, CSV columns).
    #[command(flatten)]
    pub read: ReadArgs,
    /// A model to explain (built-in .safetensors or .onnx): adds InterSHAP,
    /// SHAPE, and for two labelled modalities EMAP and PID of the model.
    #[arg(long, value_name = "MODEL")]
    pub model: Option<PathBuf>,
    /// Split the model is explained on (default: "test", else "val", else the first).
    #[arg(long, value_name = "NAME")]
    pub split: Option<String>,
    /// Draw the page from earlier outputs instead of running anything: the
    /// `--json` files of lsmi, intershap, pid, emap, shape or compare, and the
    /// `--per-sample` .csv/.npz files of lsmi and intershap (comma-separated).
    /// Figures that need per-sample values are drawn only when their file is given.
    #[arg(long, value_name = "FILES", value_delimiter = ',', conflicts_with_all = ["data", "model"])]
    pub from: Vec<PathBuf>,
    /// The HTML page to write.
    #[arg(long, short = 'o', value_name = "OUT.html")]
    pub output: PathBuf,
    /// Also write every figure as a standalone SVG file (and PNG with --png) into
    /// this new (or empty) folder.
    #[arg(long, value_name = "DIR")]
    pub figures: Option<PathBuf>,
    /// With --figures, also write each figure as PNG (drawn from the SVG by
    /// librsvg's `rsvg-convert`, which must be installed).
    #[arg(long, requires = "figures")]
    pub png: bool,
    /// Sample indices whose InterSHAP waterfalls to draw (default: the samples
    /// of highest and lowest local interaction).
    #[arg(long, value_name = "I,J", value_delimiter = ',')]
    pub samples: Vec<usize>,
    /// Training epochs of LSMI's classifiers and densities (default: the library's).
    #[arg(long, value_name = "N")]
    pub epochs: Option<usize>,
    /// Background rows for InterSHAP and SHAPE: a number, `all` or `auto`.
    #[arg(long, value_name = "B", default_value_t = InterShapConfig::default().background)]
    pub background: BackgroundRows,
    /// Interval settings of every analysis.
    #[command(flatten)]
    pub uncertainty: UncertaintyArgs,
    /// Units of the information quantities (LSMI, PID).
    #[arg(long, default_value_t = Units::default())]
    pub units: Units,
    /// Seed of every random choice.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Open the page in the desktop's browser when a display is available.
    #[arg(long)]
    pub open: bool,
}

/// Run `interplay report`.
pub fn run(args: Args, ctx: crate::Context) -> anyhow::Result<()> {
    let mut outputs = Outputs::plan(&[("--output", Some(args.output.as_path()), &["html"])])?;
    if let Some(dir) = &args.figures {
        check_figures_dir(dir, &args.output)?;
    }
    if args.png {
        rasterize::check_available()?;
    }
    let mut content = if args.from.is_empty() {
        analyse(&args, ctx)?
    } else {
        read_from(&args.from)?
    };
    content.samples = args.samples.clone();
    content.sources.insert(0, command_line());
    let page = render(&content)?;
    let figures = content.figures()?;
    outputs
        .staging()
        .write_bytes(&args.output, page.as_bytes())?;
    if let Some(dir) = &args.figures {
        let mut files: Vec<(String, Vec<u8>)> = Vec::new();
        for f in &figures {
            let svg = f.svg()?;
            if args.png {
                files.push((format!("{}.png", f.id), rasterize::png(&svg)?));
            }
            files.push((format!("{}.svg", f.id), svg.into_bytes()));
        }
        outputs.staging().write_dir(dir, |tmp| {
            for (name, bytes) in &files {
                std::fs::write(tmp.join(name), bytes)
                    .map_err(|e| interplay::Error::io(dir.join(name), e))?;
            }
            Ok(())
        })?;
    }
    outputs.commit()?;
    say!(
        "wrote {} ({} figures, {} KB){}",
        args.output.display(),
        figures.len(),
        page.len().div_ceil(1024),
        args.figures.as_ref().map_or(String::new(), |d| format!(
            " and {} {} files in {}",
            figures.len(),
            if args.png { "SVG and PNG" } else { "SVG" },
            d.display()
        ))
    );
    if args.open {
        open_page(&args.output, ctx);
    }
    Ok(())
}

/// `--figures DIR` must be a new or empty folder in an existing, writable one.
fn check_figures_dir(dir: &Path, output: &Path) -> anyhow::Result<()> {
    if dir.exists() {
        let empty = dir.is_dir() && std::fs::read_dir(dir)?.next().is_none();
        if !empty {
            return Err(UsageError(format!(
                "--figures {}: exists and is not an empty folder",
                dir.display()
            ))
            .into());
        }
    }
    // The folder's parent must take files: the same check as a file output.
    let probe = dir.with_extension("svg");
    interplay::output::check_destination(&probe, "--figures", &[])?;
    if dir == output {
        return Err(UsageError("--figures and --output name the same path".into()).into());
    }
    Ok(())
}

/// The command as run, shown in the page's sources.
fn command_line() -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    format!("interplay {}", args.join(" "))
}

/// Run every analysis that applies to `--data` (and `--model`).
fn analyse(args: &Args, ctx: crate::Context) -> anyhow::Result<ReportContent> {
    let path = args.data.as_ref().context("--data or --from is needed")?;
    let uncertainty = args.uncertainty.config()?;
    let data = interplay::data::read(path, &args.read.options(None))
        .with_context(|| format!("reading {}", path.display()))?;
    let bars = Bars::new(ctx.quiet);
    let stage = |what: &str| {
        if !ctx.quiet {
            eprintln!("report: {what}");
        }
    };
    let mut content = ReportContent {
        title: format!(
            "interplay report: {}",
            path.file_name()
                .map_or(String::new(), |n| n.to_string_lossy().to_string())
        ),
        ..ReportContent::default()
    };
    let labelled = data.splits.values().all(|s| s.labels().is_some());
    match (labelled, data.splits.get("train")) {
        (true, Some(train)) => {
            stage("LSMI of the labelled data");
            let mut config = LsmiConfig {
                seed: args.seed,
                ..LsmiConfig::default()
            };
            if let Some(e) = args.epochs {
                config.discriminator.epochs = e;
                config.knife.epochs = e;
            }
            let config = config.validate()?;
            let (result, evaluated, folds) = match data.splits.get("val") {
                Some(val) => (
                    estimate(train, val, &config, &bars)?,
                    "val".to_string(),
                    None,
                ),
                None => (
                    estimate_cross_fitted(train, LSMI_FOLDS, &config, &bars)?,
                    format!("train ({LSMI_FOLDS}-fold cross-fitted)"),
                    Some(LSMI_FOLDS),
                ),
            };
            let report = LsmiReport::new(
                std::slice::from_ref(&result),
                &config,
                &uncertainty,
                folds,
                &evaluated,
                args.units,
            )?;
            warn_all(&report.warnings);
            content.lsmi_samples = Some(LsmiSamples::from_result(&result, args.units));
            content.lsmi = Some(report);
        }
        _ => content.notes.push(
            "LSMI needs labels and a 'train' split; the data have none, so it was not run.".into(),
        ),
    }
    if let Some(model_path) = &args.model {
        model_analyses(args, &data, model_path, &bars, &stage, &mut content)?;
    }
    Ok(content)
}

/// InterSHAP and SHAPE of the model, and for two labelled modalities PID of its
/// predictions (beside the labels') and EMAP, with the settings of `compare`.
fn model_analyses(
    args: &Args,
    data: &Dataset,
    model_path: &Path,
    bars: &Bars,
    stage: &dyn Fn(&str),
    content: &mut ReportContent,
) -> anyhow::Result<()> {
    // Held-out rows: "test", else "val" (what `generate gaussian` writes), else the first.
    let split_name = match args.split.as_deref() {
        None if !data.splits.contains_key("test") && data.splits.contains_key("val") => {
            "val".into()
        }
        requested => pick_split(data, requested)?,
    };
    let split = data.split(&split_name)?;
    let model = load_model(model_path, &split.dims())
        .with_context(|| format!("loading {}", model_path.display()))?;
    let bg_name = if data.split_names().contains(&"train") {
        "train".to_string()
    } else {
        split_name.clone()
    };
    let bg_split = data.split(&bg_name)?;
    let uncertainty = args.uncertainty.config()?;
    let config = InterShapConfig {
        background: args.background,
        seed: args.seed,
        uncertainty: *uncertainty,
        ..InterShapConfig::default()
    }
    .validate()?;
    stage(&format!("InterSHAP of the model on split '{split_name}'"));
    let inter = explain(model.as_ref(), split, bg_split, &config, bars)?;
    let inter_report = InterShapReport::new(&inter, &config, None);
    warn_all(&inter_report.warnings);
    content.intershap_samples = Some(InterShapSamples::from_result(&inter)?);
    content.intershap = Some(inter_report);

    let Some(labels) = split.labels() else {
        content.notes.push(format!(
            "split '{split_name}' has no labels: SHAPE, EMAP and PID were not run."
        ));
        return Ok(());
    };
    stage("SHAPE");
    let background = bg_split.select(&background_rows(
        bg_split.len(),
        args.background.rows(),
        args.seed,
    ));
    let views = split.views();
    let sh = shape(model.as_ref(), &views, labels, ShapeMetric::default())?;
    let sh_out = shape_output(model.as_ref(), &views, &background.views())?;
    let sh_iv = shape_intervals(&sh, &sh_out, labels, &uncertainty, args.seed)?;
    content.shape = Some(ShapeReport::new(&sh, &sh_out, args.seed).with_intervals(sh_iv));

    let [x1, x2] = match split.modalities() {
        [a, b] => [a.view(), b.view()],
        other => {
            content.notes.push(format!(
                "EMAP and PID need exactly two modalities, the data have {}: they were not run.",
                other.len()
            ));
            return Ok(());
        }
    };
    stage("EMAP");
    let emap_options = EmapOptions {
        subsample: Some(1000),
        seed: args.seed,
        ..EmapOptions::default()
    }
    .validate()?;
    let em = emap_with_intervals(
        model.as_ref(),
        x1,
        x2,
        labels,
        &emap_options,
        &uncertainty,
        bars,
    )?;
    content.emap = Some(EmapReport::new(&em, args.seed, emap_options.subsample));

    stage("PID of the model's predictions and of the labels");
    let mut discretise = DiscretiseOptions::real_data();
    discretise.seed = args.seed;
    let discretise = discretise.validate()?;
    let broja = BrojaOptions {
        units: args.units,
        ..BrojaOptions::default()
    }
    .validate()?;
    let null = NullOptions {
        seed: args.seed,
        ..NullOptions::default()
    }
    .validate()?;
    let rows = x1.nrows();
    let of_model = pid_of_model(x1, x2, model.as_ref(), &discretise, &broja)?;
    let of_labels = pid_of_data(x1, x2, labels, &discretise, &broja)?;
    for (name, kind, pid) in [
        ("model", "model", &of_model),
        ("labels", "data", &of_labels),
    ] {
        let report = PidReport::new(
            &pid.pid,
            PidSource::discretised(kind, rows, &discretise, pid),
            args.seed,
        )
        .with_null(pid.shuffle_null(&broja, &null)?);
        warn_all(&report.warnings);
        content.pid.push((name.to_string(), report));
    }
    Ok(())
}

/// Open `page` with the desktop's opener when there is a display; otherwise say
/// why not (not an error: the page is written).
fn open_page(page: &Path, ctx: crate::Context) {
    let has_display = ["DISPLAY", "WAYLAND_DISPLAY"]
        .iter()
        .any(|v| std::env::var_os(v).is_some_and(|s| !s.is_empty()));
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    if !has_display && !cfg!(target_os = "macos") {
        eprintln!(
            "cannot open {}: no display (DISPLAY and WAYLAND_DISPLAY are unset); open it in a browser",
            page.display()
        );
        return;
    }
    match std::process::Command::new(opener).arg(page).spawn() {
        Ok(_) => {
            if !ctx.quiet {
                eprintln!("opening {} with {opener}", page.display());
            }
        }
        Err(e) => eprintln!("cannot open {} with {opener}: {e}", page.display()),
    }
}
